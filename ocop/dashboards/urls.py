from django.urls import path

from ocop.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("san-pham/", views.products, name="products"),
    path("bieu-do/<slug:key>.svg", views.chart, name="chart"),
]
