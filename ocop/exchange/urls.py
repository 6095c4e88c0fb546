from django.urls import path

from ocop.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.home, name="home"),
    path("mau-excel/", views.template, name="template"),
    path("lan-nhap/<int:pk>/", views.batch, name="batch"),
    path("doi-tac/them/", views.partner_create, name="partner_create"),
]
