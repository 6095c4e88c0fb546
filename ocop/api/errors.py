"""One contract for every refusal the API sends, and the OpenAPI entries for it.

Every error answer has one JSON shape, whoever refused (a service, a permission check, a selector,
ninja's own parameter validation, the authentication):

    {"code": "dossiers.not_editable", "message": "…", "fields": [{"field": "name", "message": "…"}]}

``code`` is a stable machine code (see docs/api.md for the table); ``message`` is a sentence in
the request's language (``Accept-Language``: Vietnamese by default, English with ``en``; the locale
middleware activates it for /api/); ``fields`` names each input at fault (empty when none).

Routers raise ``ocop.core.refusals`` (``NotFound`` 404, ``Forbidden`` 403, ``Conflict`` 409,
``Invalid`` 422) or ``BadRequest`` below (400); Django's ``Http404``, ``PermissionDenied`` and
``ValidationError`` raised by selectors and services are answered in the same shape, so no router
catches them itself. ``install`` registers the handlers on the NinjaAPI.

The one exception is the EPCIS and trace operations (paths under ``epcis/`` and ``trace/``, tags
``epcis`` and ``trace``): the EPCIS REST binding answers RFC 7807 problems
(``application/problem+json``). ``problem_response`` builds them, the only builder: the same
``code``/``message``/``fields`` plus the RFC 7807 members ``type``, ``title``, ``status`` and
``detail`` (and EPCIS's ``errors``/``captureID`` where a capture has them).

``document_framework_responses`` gives every error status of every operation the one schema
component (``ApiError``, or ``ApiProblem`` for the problem operations), and adds the answers the
framework sends by itself (401, 400, 404, 422) to every operation they can happen on, so that the
document lists every status code and content type the API sends (the fuzz test in
ocop/api/tests/test_fuzz.py holds it to that).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from ocop.core.refusals import Refusal

# Operations of these tags (mounted under these paths) answer RFC 7807 problems.
PROBLEM_JSON_TAGS = frozenset({"trace", "epcis"})
PROBLEM_JSON_PATHS = ("epcis/", "trace/")
PROBLEM_JSON = "application/problem+json"


class BadRequest(Refusal):
    """The request cannot be read at all (not JSON, a repeated key): 400."""

    status = 400
    default_code = "bad_request"


class ApiFieldError(Schema):
    field: str
    message: str


class ApiError(Schema):
    """The one error body (its OpenAPI component is written out in ``_COMPONENTS``)."""

    code: str
    message: str
    fields: list[ApiFieldError]


def refusals(*statuses: int) -> dict[int, type[ApiError]]:
    """``response={200: Out, **refusals(403, 404, 409)}``: the error statuses an operation
    answers itself, all with the one schema."""
    return {status: ApiError for status in statuses}


Fields = Iterable[tuple[str, str]]


def error_body(code: str, message: str, fields: Fields = ()) -> dict[str, Any]:
    return {"code": code, "message": str(message),
            "fields": [{"field": str(f), "message": str(m)} for f, m in fields]}


def problem_response(status: int, code: str, message: str, fields: Fields = (),
                     **extra: Any) -> JsonResponse:
    """The RFC 7807 problem of the EPCIS/trace operations: the one error body plus ``type``,
    ``title``, ``status`` and ``detail`` (``extra``: EPCIS members such as ``errors``)."""
    problem_type = extra.pop("type", "about:blank")
    body = {"type": problem_type, "title": str(message), "status": status,
            "detail": str(message), **error_body(code, message, fields), **extra}
    return JsonResponse(body, status=status, content_type=PROBLEM_JSON)


def _api_root(api: NinjaAPI) -> str:
    try:
        return reverse(f"{api.urls_namespace}:api-root")
    except NoReverseMatch:  # not mounted (a bare NinjaAPI in a test)
        return "/"


def wants_problem(request: HttpRequest, api: NinjaAPI) -> bool:
    root = _api_root(api)
    return any(request.path.startswith(root + prefix) for prefix in PROBLEM_JSON_PATHS)


def error_response(request: HttpRequest, api: NinjaAPI, status: int, code: str, message: str,
                   fields: Fields = ()) -> HttpResponse:
    if wants_problem(request, api):
        return problem_response(status, code, message, fields)
    return api.create_response(request, error_body(code, message, fields), status=status)


# --- Field messages of ninja's schema validation ----------------------------------------------


# Pydantic error types → sentence in the request's language; anything else gets the generic one.
def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Thiếu trường bắt buộc.")
    if kind == "greater_than_equal":
        return _("Giá trị phải từ %(limit)s trở lên.") % {"limit": ctx.get("ge")}
    if kind == "greater_than":
        return _("Giá trị phải lớn hơn %(limit)s.") % {"limit": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("Giá trị phải không quá %(limit)s.") % {"limit": ctx.get("le")}
    if kind == "less_than":
        return _("Giá trị phải nhỏ hơn %(limit)s.") % {"limit": ctx.get("lt")}
    if kind == "decimal_max_places":
        return _("Tối đa %(limit)s chữ số thập phân.") % {"limit": ctx.get("decimal_places")}
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return _("Số quá lớn.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Phải là một số nguyên.")
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type",
                "finite_number"):
        return _("Phải là một số.")
    if kind == "string_too_short":
        return _("Không được để trống.")
    if kind == "string_too_long":
        return _("Dài quá %(limit)s ký tự.") % {"limit": ctx.get("max_length")}
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return _("Ngày không hợp lệ (định dạng YYYY-MM-DD).")
    if kind in ("datetime_parsing", "datetime_from_date_parsing", "datetime_type"):
        return _("Thời điểm không hợp lệ (định dạng ISO 8601).")
    if kind == "string_type":
        return _("Phải là một chuỗi ký tự.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Phải là true hoặc false.")
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return _("Phải là một đối tượng JSON.")
    if kind == "list_type":
        return _("Phải là một danh sách.")
    if kind in ("enum", "literal_error"):
        return _("Giá trị không thuộc danh sách cho phép: %(allowed)s.") % {
            "allowed": ctx.get("expected", "")}
    if kind == "value_error":
        return str(ctx.get("error") or _("Giá trị không hợp lệ."))
    return _("Giá trị không hợp lệ.")


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    """``["query", "page"]`` → ``page``; ``["body", "payload", "name"]`` → ``name`` (the body's
    parameter name is an implementation detail); an error on the whole body → ``__all__``."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[2:]
    elif parts and parts[0] in ("query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "__all__"


def django_fields(exc: DjangoValidationError) -> list[tuple[str, str]]:
    """A Django ValidationError as (field, message) pairs; a non-field error is ``__all__``."""
    if hasattr(exc, "error_dict"):
        return [(f, m) for f, ms in exc.message_dict.items() for m in ms]
    return [("__all__", m) for m in exc.messages]


class NotAnObject(ValueError):
    """A JSON body that parses but is not an object (an array, a number, a string)."""


class ObjectBodyParser(Parser):
    """Every body this API reads through a schema is a JSON object. ninja would quietly read an
    array as "no fields sent" (a PATCH of ``[1, 2]`` changed nothing and answered 200)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise NotAnObject
        return data


# --- The handlers -------------------------------------------------------------------------------

_CODE_BY_STATUS = {400: "bad_request", 401: "not_authenticated", 403: "forbidden",
                   404: "not_found", 405: "method_not_allowed", 409: "conflict",
                   413: "too_large", 422: "invalid", 429: "throttled"}


def _invalid_message() -> str:
    return _("Dữ liệu không hợp lệ.")


def _on_refusal(request: HttpRequest, exc: Refusal, api: NinjaAPI) -> HttpResponse:
    return error_response(request, api, exc.status, exc.code, exc.message, exc.fields.items())


def _on_http404(request: HttpRequest, exc: Http404, api: NinjaAPI) -> HttpResponse:
    # Http404's own text is not for people (Django's is English: "No Product matches the given
    # query."); the answer is the same whether the record is missing or out of reach.
    return error_response(request, api, 404, "not_found", _("Không tìm thấy."))


def _on_permission_denied(request: HttpRequest, exc: PermissionDenied,
                          api: NinjaAPI) -> HttpResponse:
    message = str(exc) or _("Bạn không có quyền thực hiện thao tác này.")
    return error_response(request, api, 403, "forbidden", message)


def _on_django_validation(request: HttpRequest, exc: DjangoValidationError,
                          api: NinjaAPI) -> HttpResponse:
    fields = django_fields(exc)
    # A single rule broken: its own sentence says more than the generic one.
    message = fields[0][1] if len(fields) == 1 else _invalid_message()
    return error_response(request, api, 422, "invalid", message, fields)


def _on_validation(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    """A parameter or body refused by its schema: 422 naming each field."""
    fields = [(_field(e.get("loc", ())), _message(e)) for e in exc.errors]
    return error_response(request, api, 422, "invalid", _invalid_message(), fields)


def _on_authentication(request: HttpRequest, exc: AuthenticationError,
                       api: NinjaAPI) -> HttpResponse:
    message = _("Chưa xác thực: hãy gửi khoá API (Authorization: Bearer …) hoặc đăng nhập.")
    return error_response(request, api, 401, "not_authenticated", message)


def _on_http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    """ninja's HttpError (400 on an unreadable body …), said in the user's language; a body of
    the wrong JSON type is a 422 like any other wrong type."""
    cause = exc.__cause__
    if isinstance(cause, NotAnObject):
        message = _("Thân yêu cầu phải là một đối tượng JSON.")
        return error_response(request, api, 422, "invalid", message, [("__all__", message)])
    if isinstance(cause, ValueError):  # json.JSONDecodeError, UnicodeDecodeError
        return error_response(request, api, 400, "malformed_json",
                              _("Thân yêu cầu không phải JSON hợp lệ."))
    if exc.status_code == 401:
        return _on_authentication(request, exc, api)  # type: ignore[arg-type]
    if exc.status_code == 403 and "CSRF" in exc.message:
        # ninja's session auth on an unsafe method without the page's CSRF token.
        return error_response(request, api, 403, "csrf_failed",
                              _("Thiếu mã CSRF của phiên đăng nhập: hãy gửi kèm tiêu đề "
                                "X-CSRFToken, hoặc dùng khoá API."))
    # ninja's own texts are English ("Too many requests."): the status says it in the user's
    # language instead.
    code = _CODE_BY_STATUS.get(exc.status_code, "error")
    return error_response(request, api, exc.status_code, code, _http_message(exc.status_code))


def _http_message(status: int) -> str:
    if status == 403:
        return _("Bạn không có quyền thực hiện thao tác này.")
    if status == 404:
        return _("Không tìm thấy.")
    if status == 429:
        return _("Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng thử lại sau một "
                 "phút.")
    return _("Yêu cầu không hợp lệ")


def install(api: NinjaAPI) -> None:
    """Register the handlers; ninja picks the most specific class of the exception's MRO."""
    handlers: list[tuple[type[Exception], Any]] = [
        (Refusal, _on_refusal),
        (Http404, _on_http404),
        (PermissionDenied, _on_permission_denied),
        (DjangoValidationError, _on_django_validation),
        (ValidationError, _on_validation),
        (AuthenticationError, _on_authentication),
        (HttpError, _on_http_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(
            exc_class, lambda request, exc, handler=handler: handler(request, exc, api))


# --- OpenAPI ----------------------------------------------------------------------------------

_FIELD_ERROR = "ApiFieldError"
_ERROR = "ApiError"
_PROBLEM = "ApiProblem"
_ERROR_PROPERTIES: dict[str, Any] = {
    "code": {"type": "string", "description": "Mã lỗi ổn định, ví dụ `not_found`, "
                                              "`dossiers.not_editable` (docs/api.md)"},
    "message": {"type": "string", "description": "Thông báo theo Accept-Language (mặc định "
                                                 "tiếng Việt)"},
    "fields": {"type": "array", "items": {"$ref": f"#/components/schemas/{_FIELD_ERROR}"},
               "description": "Từng trường lỗi; rỗng khi lỗi không thuộc trường nào"},
}
_COMPONENTS: dict[str, dict[str, Any]] = {
    _FIELD_ERROR: {
        "title": _FIELD_ERROR, "type": "object", "required": ["field", "message"],
        "properties": {
            "field": {"type": "string", "description": "Trường lỗi, ví dụ `page` hoặc `name` "
                                                       "(`__all__`: cả yêu cầu)"},
            "message": {"type": "string", "description": "Thông báo lỗi (mặc định tiếng Việt)"},
        },
    },
    _ERROR: {
        "title": _ERROR, "type": "object", "required": ["code", "message", "fields"],
        "properties": _ERROR_PROPERTIES,
    },
    _PROBLEM: {
        "title": _PROBLEM, "type": "object",
        "description": "RFC 7807 (EPCIS, truy xuất nguồn gốc): các trường của ApiError cùng "
                       "type, title, status, detail",
        "required": ["type", "title", "status", "code", "message", "fields"],
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "detail": {"type": "string"},
            **_ERROR_PROPERTIES,
        },
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_content(problem_json: bool) -> dict[str, Any]:
    if problem_json:
        return {media: {"schema": _ref(_PROBLEM)}
                for media in ("application/json", PROBLEM_JSON)}
    return {"application/json": {"schema": _ref(_ERROR)}}


def _is_error_schema(schema: dict[str, Any] | None) -> bool:
    return schema in (_ref(_ERROR), _ref(_PROBLEM), {"type": "object"},
                      {"additionalProperties": True, "type": "object"}, {}, None)


def _add(responses: dict[str, Any], status: int, description: str, problem_json: bool) -> None:
    key = str(status)
    if key not in responses:
        responses[key] = {"description": description, "content": _error_content(problem_json)}
        return
    content = responses[key].setdefault("content", {})
    for media, body in _error_content(problem_json).items():
        if media not in content:
            content[media] = body
        elif content[media].get("schema") != body["schema"]:
            # A designed answer of its own (a certificate "unknown" is a 404 with a body).
            content[media]["schema"] = {"anyOf": [content[media]["schema"], body["schema"]]}


def document_framework_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Give each operation's error statuses the one schema and add the answers the framework may
    send for it (see the module doc)."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(_COMPONENTS)
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # ninja keys the responses by int; JSON turns them into strings anyway.
            responses = operation["responses"] = {
                str(k): v for k, v in operation["responses"].items()}
            problem_json = bool(PROBLEM_JSON_TAGS & set(operation.get("tags", [])))
            for key, response in responses.items():
                if not key.startswith("4"):
                    continue
                content = response.get("content") or {}
                if all(_is_error_schema(body.get("schema")) for body in content.values()):
                    response["content"] = _error_content(problem_json)
            params = operation.get("parameters", [])
            if operation.get("security"):
                _add(responses, 401, _("Chưa xác thực."), problem_json)
            if "requestBody" in operation:
                _add(responses, 400, _("Thân yêu cầu không phải JSON hợp lệ."), problem_json)
            if any(p.get("in") == "path" for p in params):
                _add(responses, 404, _("Không tìm thấy."), problem_json)
            if params or "requestBody" in operation:
                _add(responses, 422, _("Dữ liệu không hợp lệ."), problem_json)
    return schema
