from django.urls import path

from ocop.inspections import views

app_name = "inspections"
urlpatterns = [
    # Public: a consumer's report from the scan or verification page (no login).
    path("bao-cao-vi-pham/", views.complaint_public, name="complaint_public"),
    path("kiem-tra/", views.index, name="index"),
    path("kiem-tra/ke-hoach/moi/", views.plan_create, name="plan_create"),
    path("kiem-tra/ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("kiem-tra/ke-hoach/<int:pk>/ghi-nhan/", views.visit_create, name="visit_create"),
    path("kiem-tra/ke-hoach/<int:pk>/ghi-nhan/gui/", views.visit_offline, name="visit_offline"),
    path("kiem-tra/ke-hoach/<int:pk>/nhap-bien-ban/", views.visit_import, name="visit_import"),
    path("kiem-tra/anh-ngoai-tuyen/", views.photo_offline, name="photo_offline"),
    path("kiem-tra/ngoai-tuyen.json", views.offline_manifest, name="offline_manifest"),
    path("kiem-tra/sw.js", views.service_worker, name="service_worker"),
    path("kiem-tra/lan/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("kiem-tra/lan/<int:pk>/anh/<int:photo>", views.visit_photo, name="visit_photo"),
    path("kiem-tra/de-nghi-thu-hoi/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("kiem-tra/phan-anh/", views.complaint_list, name="complaint_list"),
    path("kiem-tra/phan-anh/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("kiem-tra/phan-anh/<int:pk>/dong/", views.complaint_close, name="complaint_close"),
    path("kiem-tra/phan-anh/<int:pk>/anh", views.complaint_photo, name="complaint_photo"),
]
