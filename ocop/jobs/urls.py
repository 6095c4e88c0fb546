from django.urls import path

from ocop.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/trang-thai", views.status, name="status"),
    path("<uuid:pk>/tai-ve", views.download, name="download"),
    path("xuat-excel/<str:name>/", views.export, name="export"),
]
