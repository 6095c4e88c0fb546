from django.urls import path

from ocop.criteria import views

app_name = "criteria"
urlpatterns = [
    path("", views.sheet_list, name="sheet_list"),
    path("<str:code>/", views.sheet, name="sheet"),
]
