from django.urls import path

from ocop.trace import views, views_scan

app_name = "trace"
urlpatterns = [
    # Public resolver (stamp URIs); see stamps.py for the formats.
    path("01/<str:gtin>/10/<str:lot>/21/<str:serial>", views_scan.scan_gs1, name="scan_gs1"),
    path("t/<str:product_id>/<str:lot>/<str:serial>", views_scan.scan_platform,
         name="scan_platform"),
    # The public keys that verify stamps (JWK Set; docs/stamps.md). A stable address: printed
    # stamps outlive any page layout, and third parties pin it.
    path("tem/khoa.json", views_scan.stamp_keys, name="stamp_keys"),
    # Management pages (login; role and jurisdiction checked in views/selectors).
    path("truy-xuat/vung/", views.zone_list, name="zone_list"),
    path("truy-xuat/vung/moi/", views.zone_create, name="zone_create"),
    path("truy-xuat/vung/<int:pk>/", views.zone_detail, name="zone_detail"),
    path("truy-xuat/lo/", views.lot_list, name="lot_list"),
    path("truy-xuat/lo/<int:pk>/", views.lot_detail, name="lot_detail"),
    path("truy-xuat/lo/<int:pk>/<str:action>/", views.lot_action, name="lot_action"),
    path("truy-xuat/tem/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("truy-xuat/tem/<int:pk>/pdf", views.batch_pdf, name="batch_pdf"),
    path("truy-xuat/thong-ke/", views.analytics, name="analytics"),
    path("truy-xuat/thong-ke/go-canh-bao/", views.clear_suspicion, name="clear_suspicion"),
]
