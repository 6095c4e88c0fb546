from django.urls import path

from ocop.fairs import views

app_name = "fairs"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("moi/", views.event_create, name="event_create"),
    path("quan-ly/", views.office, name="office"),
    path("so-lieu/", views.figures, name="figures"),
    path("cua-toi/", views.mine, name="mine"),
    path("<int:pk>/", views.event_detail, name="event"),
    path("<int:pk>/sua/", views.event_edit, name="event_edit"),
    path("<int:pk>/loai-gian/", views.booth_class_add, name="booth_class_add"),
    path("<int:pk>/ket-thuc/", views.close, name="close"),
    path("dang-ky/<int:pk>/nhan/", views.accept, name="accept"),
    path("dang-ky/<int:pk>/cho/", views.waitlist, name="waitlist"),
    path("dang-ky/<int:pk>/tu-choi/", views.refuse, name="refuse"),
    path("dang-ky/<int:pk>/ket-qua/", views.results, name="results"),
]
