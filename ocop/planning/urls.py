from django.urls import path

from ocop.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("tao/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/sua/", views.plan_edit, name="edit"),
    path("<int:pk>/phe-duyet/", views.plan_approve, name="approve"),
    path("<int:pk>/tep", views.plan_file, name="file"),
    path("<int:pk>/chi-tieu/them/", views.indicator_form, name="indicator_add"),
    path("<int:pk>/chi-tieu/<int:item_pk>/", views.indicator_form, name="indicator_edit"),
    path("<int:pk>/kinh-phi/them/", views.budget_form, name="budget_add"),
    path("<int:pk>/kinh-phi/<int:item_pk>/", views.budget_form, name="budget_edit"),
]
