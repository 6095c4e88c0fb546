from django.urls import path

from ocop.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("cham-diem/", views.assigned, name="assigned"),
    path("cham-diem/<int:dossier_id>/", views.score, name="score"),
    path("cham-diem/<int:dossier_id>/nop/", views.submit, name="submit"),
    path("cham-diem/<int:dossier_id>/xung-dot/", views.declare, name="declare"),
    path("hoi-dong/", views.council_list, name="councils"),
    path("hoi-dong/tao/", views.council_create, name="council_create"),
    path("hoi-dong/<int:council_id>/", views.council_detail, name="council"),
    path("hoi-dong/<int:council_id>/thanh-vien/", views.add_member, name="add_member"),
    path("hoi-dong/<int:council_id>/phan-cong/", views.assign, name="assign"),
    path("hoi-dong/<int:council_id>/ho-so/<int:dossier_id>/", views.summary, name="summary"),
    path("hoi-dong/<int:council_id>/ho-so/<int:dossier_id>/khoa/", views.close_scoring,
         name="close_scoring"),
    path("hoi-dong/<int:council_id>/ho-so/<int:dossier_id>/cham-lai/", views.start_rescore,
         name="start_rescore"),
    path("hoi-dong/<int:council_id>/ho-so/<int:dossier_id>/chot/", views.finalise,
         name="finalise"),
    path("ket-qua/<int:dossier_id>/", views.result, name="result"),
    path("ket-qua/<int:dossier_id>/de-nghi/", views.propose, name="propose"),
    path("ket-qua/<int:dossier_id>/<int:result_id>/bien-ban.pdf", views.minutes, name="minutes"),
    path("ket-qua/<int:dossier_id>/<int:result_id>/de-nghi.zip", views.proposal,
         name="proposal"),
    path("dot-danh-gia/<int:round_id>/cong-nhan/", views.recognition, name="recognition"),
    path("dot-danh-gia/<int:round_id>/cong-nhan/xem-truoc/", views.recognition_preview,
         name="recognition_preview"),
    path("dot-danh-gia/<int:round_id>/cong-nhan/ban-hanh/", views.recognise, name="recognise"),
    path("dot-danh-gia/<int:round_id>/khong-cong-nhan/", views.not_recognised,
         name="not_recognised"),
]
