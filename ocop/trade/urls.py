from django.urls import path

from ocop.trade import views

app_name = "trade"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-ky/", views.register, name="register"),
    path("nhu-cau/moi/", views.need_create, name="need_create"),
    path("nhu-cau/<int:pk>/", views.need_detail, name="need"),
    path("nhu-cau/<int:pk>/dong/", views.need_close, name="need_close"),
    path("hoi-hang/<int:product_pk>/", views.inquiry, name="inquiry"),
    path("trao-doi/", views.conversation_list, name="conversations"),
    path("trao-doi/<int:pk>/", views.conversation_detail, name="conversation"),
    path("trao-doi/<int:pk>/tra-loi/", views.conversation_reply, name="reply"),
    path("trao-doi/<int:pk>/nhan-lich/", views.conversation_accept, name="accept"),
    path("trao-doi/<int:pk>/tu-choi/", views.conversation_decline, name="decline"),
    path("trao-doi/<int:pk>/ket-thuc/", views.conversation_finish, name="finish"),
    path("ben-mua/", views.buyer_list, name="buyers"),
    path("ben-mua/<int:pk>/trang-thai/", views.buyer_status, name="buyer_status"),
    path("so-lieu/", views.figures, name="figures"),
]
