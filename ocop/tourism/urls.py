from django.urls import path

from ocop.tourism import views

app_name = "tourism"
urlpatterns = [
    path("", views.destination_list, name="list"),
    path("diem/<int:pk>/", views.destination_detail, name="destination"),
    path("tuyen/<int:pk>/", views.itinerary_detail, name="itinerary"),
    path("ban-do/", views.map_page, name="map"),
    path("du-lieu/ban-do.geojson", views.geojson, name="geojson"),
    path("anh/<int:pk>", views.photo, name="photo"),
    path("quan-ly/", views.manage, name="manage"),
    path("quan-ly/diem/moi/", views.destination_create, name="destination_create"),
    path("quan-ly/diem/<int:pk>/", views.destination_edit, name="destination_edit"),
    path("quan-ly/diem/<int:pk>/cong-khai/", views.destination_publish,
         name="destination_publish"),
    path("quan-ly/diem/<int:pk>/anh/", views.photo_add, name="photo_add"),
    path("quan-ly/anh/<int:pk>/xoa/", views.photo_delete, name="photo_delete"),
    path("quan-ly/diem/<int:pk>/san-pham/", views.product_add, name="product_add"),
    path("quan-ly/san-pham/<int:pk>/bo/", views.product_remove, name="product_remove"),
    path("quan-ly/tuyen/moi/", views.itinerary_create, name="itinerary_create"),
    path("quan-ly/tuyen/<int:pk>/", views.itinerary_edit, name="itinerary_edit"),
    path("quan-ly/tuyen/<int:pk>/cong-khai/", views.itinerary_publish, name="itinerary_publish"),
]
