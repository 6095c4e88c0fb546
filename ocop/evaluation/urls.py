from django.urls import path

from ocop.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("cham-diem/", views.assigned, name="assigned"),
    path("cham-diem/<int:dossier_id>/", views.score, name="score"),
    path("cham-diem/<int:dossier_id>/xung-dot/", views.declare, name="declare"),
    path("hoi-dong/", views.council_list, name="councils"),
    path("hoi-dong/tao/", views.council_create, name="council_create"),
    path("hoi-dong/<int:council_id>/", views.council_detail, name="council"),
    path("hoi-dong/<int:council_id>/ho-so/<int:dossier_id>/", views.summary, name="summary"),
    path("hoi-dong/<int:council_id>/ho-so/<int:dossier_id>/<slug:action>/",
         views.chair_action, name="chair_action"),
    path("ket-qua/<int:dossier_id>/", views.result, name="result"),
    path("ket-qua/<int:dossier_id>/de-nghi/", views.propose, name="propose"),
    path("ket-qua/<int:dossier_id>/<int:result_id>/bien-ban.pdf", views.minutes, name="minutes"),
    path("ket-qua/<int:dossier_id>/<int:result_id>/de-nghi.zip", views.proposal,
         name="proposal"),
    path("dot-danh-gia/<int:round_id>/cong-nhan/", views.recognition, name="recognition"),
]
