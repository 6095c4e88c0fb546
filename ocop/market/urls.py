from django.urls import path

from ocop.market import views

app_name = "market"
urlpatterns = [
    path("ban-hang/", views.home, name="home"),
    path("ban-hang/san-pham/<int:pk>/", views.product_offers, name="product_offers"),
    path("ban-hang/san-pham/<int:pk>/them/", views.offer_create, name="offer_create"),
    path("ban-hang/gia-ban/<int:pk>/sua/", views.offer_edit, name="offer_edit"),
    path("ban-hang/gia-ban/<int:pk>/xoa/", views.offer_delete, name="offer_delete"),
    path("ban-hang/qua-tang/", views.gift_set_manage, name="gift_set_manage"),
    path("ban-hang/qua-tang/them/", views.gift_set_create, name="gift_set_create"),
    path("ban-hang/qua-tang/<int:pk>/sua/", views.gift_set_edit, name="gift_set_edit"),
    path("ban-hang/qua-tang/<int:pk>/xoa/", views.gift_set_delete, name="gift_set_delete"),
    path("qua-tang/", views.gift_set_list, name="gift_set_list"),
    path("qua-tang/<int:pk>/", views.gift_set_detail, name="gift_set_detail"),
    path("qua-tang/<int:pk>/anh", views.gift_set_photo, name="gift_set_photo"),
    path("nguon-du-lieu/", views.feed_index, name="feeds"),
    path("nguon-du-lieu/<str:name>", views.feed, name="feed"),
]
