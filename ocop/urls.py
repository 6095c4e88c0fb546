from django.contrib import admin
from django.urls import include, path

from ocop.api.urls import api
from ocop.operations import views as operations

urlpatterns = [
    # First: the stamp resolver's routes (01/…, t/…) are the busiest in the country (every
    # consumer scan), and each pattern tried before them cost a scan about 1 % of its CPU. No
    # route of the apps below starts with 01/, t/, tem/ or truy-xuat/, so the order changes no
    # answer (test_urls: every route still resolves to its own view).
    path("", include("ocop.trace.urls")),
    path("", include("ocop.web.urls")),
    path("", include("ocop.accounts.urls")),
    path("", include("ocop.registry.urls")),
    path("", include("ocop.certificates.urls")),
    path("", include("ocop.evaluation.urls")),
    path("", include("ocop.inspections.urls")),
    path("tieu-chi/", include("ocop.criteria.urls")),
    path("", include("ocop.dossiers.urls")),
    path("thong-bao/", include("ocop.notifications.urls")),
    path("don-vi/", include("ocop.units.urls")),
    path("tac-vu/", include("ocop.jobs.urls")),
    path("ke-hoach/", include("ocop.planning.urls")),
    path("bang-dieu-khien/", include("ocop.dashboards.urls")),
    path("tin-tuc/", include("ocop.news.urls")),
    path("dao-tao/", include("ocop.training.urls")),
    path("tai-khoan-dia-ban/", include("ocop.people.urls")),
    path("bao-cao/", include("ocop.reports.urls")),
    path("ban-do/", include("ocop.maps.urls")),
    path("", include("ocop.catalogue.urls")),
    path("", include("ocop.market.urls")),
    path("", include("ocop.credentials.urls")),
    path("du-lieu-mo/", include("ocop.opendata.urls")),
    path("trao-doi/", include("ocop.exchange.urls")),
    path("hoi-cho/", include("ocop.fairs.urls")),
    path("ket-noi/", include("ocop.trade.urls")),
    path("du-lich/", include("ocop.tourism.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    # Probes and metrics (docs/deployment.md): at the root, where load balancers look for them.
    path("healthz", operations.healthz, name="healthz"),
    path("readyz", operations.readyz, name="readyz"),
    path("metrics", operations.metrics, name="metrics"),
    path("quan-tri/", admin.site.urls),
]
