from django.urls import path

from ocop.criteria import views

app_name = "criteria"
urlpatterns = [
    path("", views.sheet_list, name="sheet_list"),
    path("quan-ly/", views.manage, name="manage"),
    path("quan-ly/<int:pk>/", views.staged, name="staged"),
    path("quan-ly/<int:pk>/kich-hoat/", views.activate, name="activate"),
    path("quan-ly/<int:pk>/xoa/", views.discard, name="discard"),
    path("quan-ly/mau/<str:product_set>.xlsx", views.template, name="template"),
    path("chap-nhan/<int:pk>/", views.accept, name="accept"),
    path("<str:code>/", views.sheet, name="sheet"),
]
