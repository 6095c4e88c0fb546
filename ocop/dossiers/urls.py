from django.urls import path

from ocop.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("ho-so/", views.dossier_list, name="list"),
    path("ho-so/tao/", views.dossier_create, name="create"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="detail"),
    path("ho-so/<int:pk>/soan/", views.dossier_edit, name="edit"),
    path("ho-so/<int:pk>/luu/", views.dossier_autosave, name="autosave"),
    path("ho-so/<int:pk>/tai-lieu/", views.document_attach, name="attach"),
    path("ho-so/<int:pk>/tai-lieu/<int:doc_pk>/tep", views.document_file, name="document_file"),
    path("ho-so/<int:pk>/tai-lieu/<int:doc_pk>/bo/", views.document_remove,
         name="remove_document"),
    path("ho-so/<int:pk>/nop/", views.dossier_submit, name="submit"),
    path("ho-so/<int:pk>/rut/", views.dossier_withdraw, name="withdraw"),
    path("ho-so/<int:pk>/xa-kiem-tra/", views.dossier_precheck, name="precheck"),
    path("ho-so/<int:pk>/tham-dinh/", views.dossier_review, name="review"),
    path("ho-so/<int:pk>/bo-sung/", views.dossier_corrections, name="corrections"),
    path("ho-so/<int:pk>/phien-ban/", views.dossier_versions, name="versions"),
    path("dot-danh-gia/", views.round_list, name="rounds"),
    path("dot-danh-gia/nam/tao/", views.programme_year_create, name="programme_year_create"),
    path("dot-danh-gia/nam/<int:pk>/", views.programme_year_detail, name="programme_year"),
    path("dot-danh-gia/<int:pk>/sua/", views.round_edit, name="round_edit"),
]
