from django.urls import path

from ocop.certificates import views

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:number>", views.verify, name="verify"),
    path("giay-chung-nhan/", views.certificate_list, name="list"),
    path("giay-chung-nhan/<str:number>/", views.certificate_detail, name="detail"),
    path("giay-chung-nhan/<str:number>/pdf", views.certificate_pdf_download, name="pdf"),
    path("giay-chung-nhan/<str:number>/thu-hoi/", views.certificate_revoke, name="revoke"),
    path("giay-chung-nhan/<str:number>/danh-gia-lai/", views.certificate_renew, name="renew"),
    path("quyet-dinh-cong-nhan/", views.decision_list, name="decision_list"),
    path("quyet-dinh-cong-nhan/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("quyet-dinh-cong-nhan/<int:pk>/tep", views.decision_file, name="decision_file"),
]
