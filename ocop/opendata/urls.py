"""Mounted at /du-lieu-mo/: the page, and each file of the newest release at a stable URL
(``/du-lieu-mo/chung-nhan-hieu-luc.csv``, ``/du-lieu-mo/catalog.jsonld`` …)."""

from django.urls import path

from ocop.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:name>", views.download, name="file"),
]
