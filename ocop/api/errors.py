"""What the API answers when a request is refused before (or around) the handler, and the
OpenAPI entries for those answers.

django-ninja refuses a request itself when the token is missing (401), the body is not JSON
(400), a parameter or body field fails its schema (422) or a selector raises Http404 (404); none
of these appears in the document unless an operation declares it. ``document_framework_responses``
adds them to every operation they can happen on, so that the document lists every status code and
content type the API sends (the fuzz test in ocop/api/tests/test_fuzz.py holds it to that).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

# Operations of these tags answer their refusals as RFC 7807 problems (application/problem+json).
PROBLEM_JSON_TAGS = frozenset({"trace", "epcis"})

_FIELD_ERROR = "ApiFieldError"
_VALIDATION_ERROR = "ApiValidationError"
_DETAIL = "ApiDetail"
_COMPONENTS: dict[str, dict[str, Any]] = {
    _FIELD_ERROR: {
        "title": _FIELD_ERROR, "type": "object", "required": ["field", "message"],
        "properties": {
            "field": {"type": "string", "description": "Trường lỗi, ví dụ `page` hoặc `name`"},
            "message": {"type": "string", "description": "Thông báo lỗi (mặc định tiếng Việt)"},
        },
    },
    _VALIDATION_ERROR: {
        "title": _VALIDATION_ERROR, "type": "object", "required": ["detail"],
        "properties": {"detail": {"type": "array",
                                  "items": {"$ref": f"#/components/schemas/{_FIELD_ERROR}"}}},
    },
    _DETAIL: {
        "title": _DETAIL, "type": "object", "required": ["detail"],
        "properties": {"detail": {"type": "string"}},
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# Pydantic error types → Vietnamese sentence; anything else gets the generic one.
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


def validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    """A parameter or body refused by its schema: 422 naming each field, like the handlers'
    own 422s (one error shape, ``{"detail": [{"field", "message"}]}``)."""
    detail = [{"field": _field(e.get("loc", ())), "message": _message(e)} for e in exc.errors]
    return api.create_response(request, {"detail": detail}, status=422)


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


def http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    """ninja's HttpError (401, 403, 400 on an unreadable body …), with the body problems said in
    the user's language; a body of the wrong JSON type is a 422 like any other wrong type."""
    cause = exc.__cause__
    if isinstance(cause, NotAnObject):
        detail = [{"field": "__all__", "message": _("Thân yêu cầu phải là một đối tượng JSON.")}]
        return api.create_response(request, {"detail": detail}, status=422)
    if isinstance(cause, ValueError):  # json.JSONDecodeError, UnicodeDecodeError
        return api.create_response(
            request, {"detail": _("Thân yêu cầu không phải JSON hợp lệ.")}, status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _content(schema: dict[str, Any], problem_json: bool) -> dict[str, Any]:
    media = ["application/json", "application/problem+json"] if problem_json else [
        "application/json"]
    return {m: {"schema": schema} for m in media}


def _add(responses: dict[str, Any], status: int, description: str, schema: dict[str, Any],
         problem_json: bool = False) -> None:
    key = str(status)
    if key not in responses:
        responses[key] = {"description": description, "content": _content(schema, problem_json)}
        return
    content = responses[key].setdefault("content", {})
    for media, body in _content(schema, problem_json).items():
        if media not in content:
            content[media] = body
        elif content[media].get("schema") != schema:
            content[media]["schema"] = {"anyOf": [content[media]["schema"], schema]}


def document_framework_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to each operation the answers the framework may send for it (see the module doc)."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(_COMPONENTS)
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # ninja keys the responses by int; JSON turns them into strings anyway.
            responses = operation["responses"] = {
                str(k): v for k, v in operation["responses"].items()}
            problem_json = bool(PROBLEM_JSON_TAGS & set(operation.get("tags", [])))
            if problem_json:  # the handlers' own refusals are problems
                for key, response in responses.items():
                    if key.startswith("4") and "content" in response:
                        json_body = response["content"].get("application/json")
                        if json_body is not None:
                            response["content"].setdefault("application/problem+json",
                                                           json_body)
            params = operation.get("parameters", [])
            if operation.get("security"):
                _add(responses, 401, _("Chưa xác thực."), _ref(_DETAIL))
            if "requestBody" in operation:
                _add(responses, 400, _("Thân yêu cầu không phải JSON hợp lệ."), _ref(_DETAIL))
            if any(p.get("in") == "path" for p in params):
                _add(responses, 404, _("Không tìm thấy."), _ref(_DETAIL), problem_json)
            if params or "requestBody" in operation:
                _add(responses, 422, _("Dữ liệu không hợp lệ."), _ref(_VALIDATION_ERROR))
    return schema
