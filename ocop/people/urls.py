from django.urls import path

from ocop.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("them/", views.person_create, name="create"),
    path("<int:pk>/khoa/", views.person_active, name="active"),
    path("<int:pk>/gui-lai-thu/", views.person_invite, name="invite"),
]
