from django.urls import path

from ocop.units import views

app_name = "units"

urlpatterns = [
    path("xa/", views.commune_options, name="commune_options"),
]
