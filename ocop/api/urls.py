"""The versioned JSON API. Each domain app owns a router; this file only mounts them."""

from ninja import NinjaAPI

from ocop.api.auth import token_or_session
from ocop.criteria.api import router as criteria_router
from ocop.registry.api import router as registry_router

api = NinjaAPI(
    title="OCOP Platform API",
    version="1",
    urls_namespace="api-v1",
    auth=token_or_session,
    description=(
        "API của Nền tảng OCOP. Xác thực bằng khoá API (Authorization: Bearer ocop_…) "
        "hoặc phiên đăng nhập. Danh sách phân trang bằng `page` và `page_size`."
    ),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", registry_router)
api.add_router("/", criteria_router)
