from django.urls import path

from ocop.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("da-doc/", views.mark_read, name="mark_read"),
]
