from django.urls import path

from ocop.credentials import views

app_name = "credentials"
urlpatterns = [
    path(".well-known/did.json", views.platform_did, name="platform_did"),
    path("issuers/keys.json", views.trust_list, name="trust_list"),
    path("issuers/verify-sw.js", views.verify_worker, name="verify_worker"),
    path("issuers/<str:code>/did.json", views.issuer_did, name="issuer_did"),
    path("issuers/<str:code>/status/<int:number>", views.status_list, name="status_list"),
    path("jsonld/<str:name>", views.context, name="context"),
    path("schemas/untp-dcc.json", views.schema, name="schema"),
]
