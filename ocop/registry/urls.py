from django.urls import path

from ocop.registry import views

app_name = "registry"
urlpatterns = [
    path("chu-the/", views.producer_list, name="producer_list"),
    path("chu-the/them/", views.producer_create, name="producer_create"),
    path("chu-the/nhap-excel/", views.producer_import, name="producer_import"),
    path("chu-the/xuat-excel/", views.producer_export, name="producer_export"),
    path("chu-the/<int:pk>/", views.producer_detail, name="producer_detail"),
    path("chu-the/<int:pk>/sua/", views.producer_edit, name="producer_edit"),
    path("chu-the/<int:pk>/xoa/", views.producer_delete, name="producer_delete"),
    path("chu-the/<int:producer_pk>/giay-to/them/", views.document_create,
         name="document_create"),
    path("chu-the/<int:producer_pk>/giay-to/<int:pk>/sua/", views.document_edit,
         name="document_edit"),
    path("chu-the/<int:producer_pk>/giay-to/<int:pk>/xoa/", views.document_delete,
         name="document_delete"),
    path("chu-the/<int:producer_pk>/giay-to/<int:pk>/tep/", views.document_file,
         name="document_file"),
    path("san-pham/", views.product_list, name="product_list"),
    path("san-pham/them/", views.product_create, name="product_create"),
    path("san-pham/nhap-excel/", views.product_import, name="product_import"),
    path("san-pham/xuat-excel/", views.product_export, name="product_export"),
    path("san-pham/<int:pk>/", views.product_detail, name="product_detail"),
    path("san-pham/<int:pk>/anh", views.product_image, name="product_image"),
    path("san-pham/<int:pk>/sua/", views.product_edit, name="product_edit"),
    path("san-pham/<int:pk>/xoa/", views.product_delete, name="product_delete"),
]
