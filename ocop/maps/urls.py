from django.urls import path

from ocop.maps import views

app_name = "maps"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("du-lieu/cong-khai.json", views.public_data, name="public_data"),
    path("du-lieu/dia-ban.json", views.staff_data, name="staff_data"),
]
