from django.urls import path

from ocop.registry import views

app_name = "registry"
urlpatterns = [
    path("chu-the/", views.producer_list, name="producer_list"),
    path("san-pham/", views.product_list, name="product_list"),
]
