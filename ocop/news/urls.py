from django.urls import path

from ocop.news import views

app_name = "news"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment"),
    path("quan-ly/", views.manage_list, name="manage"),
    path("quan-ly/moi/", views.article_create, name="create"),
    path("quan-ly/<int:pk>/", views.article_edit, name="edit"),
    path("quan-ly/<int:pk>/dang/", views.article_publish, name="publish"),
    path("quan-ly/<int:pk>/go/", views.article_withdraw, name="withdraw"),
    path("quan-ly/<int:pk>/tep/", views.attachment_add, name="attachment_add"),
    path("quan-ly/tep/<int:pk>/xoa/", views.attachment_delete, name="attachment_delete"),
]
