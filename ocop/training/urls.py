from django.urls import path

from ocop.training import views

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="courses"),
    path("moi/", views.course_create, name="course_create"),
    path("<int:pk>/", views.course_detail, name="course"),
    path("<int:pk>/sua/", views.course_edit, name="course_edit"),
    path("dang-ky/<int:pk>/co-mat/", views.mark_attended, name="attended"),
    path("dang-ky/<int:pk>/vang/", views.mark_absent, name="absent"),
    path("dang-ky/<int:pk>/huy/", views.cancel, name="cancel"),
    path("ho-tro/", views.support_list, name="supports"),
    path("ho-tro/moi/", views.support_create, name="support_create"),
    path("chu-the/<int:pk>/", views.producer_record, name="producer"),
]
