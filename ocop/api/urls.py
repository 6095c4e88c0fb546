"""The versioned JSON API. Each domain app owns a router; this file only mounts them."""

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Schema

from ocop.api.auth import token_or_session
from ocop.api.errors import ObjectBodyParser, document_framework_responses, install
from ocop.catalogue.api import router as catalogue_router
from ocop.certificates.api import router as certificates_router
from ocop.credentials.api import router as credentials_router
from ocop.criteria.api import router as criteria_router
from ocop.dossiers.api import router as dossiers_router
from ocop.evaluation.api import router as evaluation_router
from ocop.exchange.api import router as exchange_router
from ocop.fairs.api import router as fairs_router
from ocop.market.api import router as market_router
from ocop.opendata.api import router as opendata_router
from ocop.planning.api import router as planning_router
from ocop.registry.api import router as registry_router
from ocop.tourism.api import router as tourism_router
from ocop.trace.api import router as trace_router
from ocop.trace.api_supply import router as trace_supply_router
from ocop.trade.api import router as trade_router
from ocop.units.api import router as units_router


class OcopAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document also lists the answers the framework sends itself."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return document_framework_responses(super().get_openapi_schema(*args, **kwargs))


api = OcopAPI(
    title="OCOP Platform API",
    version="1",
    urls_namespace="api-v1",
    auth=token_or_session,
    description=(
        "API của Nền tảng OCOP. Xác thực bằng khoá API (Authorization: Bearer ocop_…) "
        "hoặc phiên đăng nhập. Danh sách phân trang bằng `page` và `page_size`. Mọi lỗi có "
        "cùng dạng `{code, message, fields}` (EPCIS và truy xuất: RFC 7807)."
    ),
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=ObjectBodyParser(),
)

install(api)  # one error shape for every refusal (ocop/api/errors.py)


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    unit: str | None
    unit_name: str | None
    producer: int | None


@api.get("/me", response=MeOut, tags=["accounts"], summary="Tài khoản đang dùng API")
def me(request: HttpRequest) -> MeOut:
    user = request.auth
    return MeOut(
        username=user.username,
        full_name=user.get_full_name(),
        role=user.role,
        unit=user.unit_id,
        unit_name=str(user.unit) if user.unit_id else None,
        producer=user.producer_id,
    )


api.add_router("/", registry_router)
api.add_router("/", criteria_router)
api.add_router("/", dossiers_router)
api.add_router("/", certificates_router)
api.add_router("/", evaluation_router)
api.add_router("/", planning_router)
api.add_router("/units", units_router)
api.add_router("/epcis", trace_router)
api.add_router("/trace", trace_supply_router)
api.add_router("/catalogue", catalogue_router)
api.add_router("/market", market_router)
api.add_router("/fairs", fairs_router)
api.add_router("/trade", trade_router)
api.add_router("/tourism", tourism_router)
api.add_router("/", credentials_router)
api.add_router("/opendata", opendata_router)
api.add_router("/exchange", exchange_router)
