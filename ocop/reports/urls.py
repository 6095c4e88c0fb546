from django.urls import path

from ocop.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/excel", views.download, {"fmt": "excel"}, name="excel"),
    path("<uuid:pk>/pdf", views.download, {"fmt": "pdf"}, name="pdf"),
]
