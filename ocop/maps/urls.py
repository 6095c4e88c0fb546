from django.urls import path

from ocop.maps import views

app_name = "maps"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("du-lieu/cong-khai.json", views.public_data, name="public_data"),
    path("du-lieu/cong-khai/<str:key>.json", views.public_area, name="public_area"),
    path("du-lieu/dia-ban.json", views.staff_data, name="staff_data"),
    path("du-lieu/dia-ban/<str:key>.json", views.staff_area, name="staff_area"),
]
