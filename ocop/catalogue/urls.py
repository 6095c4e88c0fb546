"""The public catalogue (no login). Query parameters of the list, in Vietnamese like the paths:
``q`` (search, diacritics optional), ``sao`` (stars), ``nhom`` (group), ``bo`` (product set),
``tinh`` (province), ``xa`` (commune), ``huyen`` (a legacy district), ``loai_hinh`` (legal
form), ``sap_xep`` (``ten``, ``sao``, ``moi``), ``trang`` (page)."""

from django.urls import path

from ocop.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("san-pham-ocop/", views.product_list, name="list"),
    path("san-pham-ocop/<int:pk>/", views.product_detail, name="product"),
    path("san-pham-ocop/chu-the/<int:pk>/", views.producer_detail, name="producer"),
    path("san-pham-ocop/ban-do/", views.catalogue_map, name="map"),
    path("co-quan-quan-ly/", views.agency, name="agency"),
    path("ngon-ngu/<str:code>/", views.switch_language, name="language"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<str:section>-<int:number>.xml", views.sitemap_section,
         name="sitemap_section"),
]
