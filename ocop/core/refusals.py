"""One way for every app to say no: a refusal with a reason a person can read.

A service, selector or permission check that turns a request down raises one of these (or
returns a ``Verdict`` that says why not). Each carries:

- ``message``: a sentence for the person, already translated into the active language (build it
  with ``gettext``/``gettext_lazy``), naming the problem: "Hồ sơ đã nộp, không sửa được nữa.";
- ``code``: a stable machine code, ``<app>.<what>`` (``dossiers.not_editable``), that API
  clients can branch on and that never changes with the wording;
- ``fields``: for ``Invalid``, the field-by-field problems (``{"name": "Không được để trống."}``).

Pages show ``message`` (a form error, a flash message or the 403/404 page); the API turns the
kind into its status code (``ocop/api/errors.py``): ``NotFound`` 404, ``Forbidden`` 403,
``Conflict`` 409 (the record's state does not allow it now), ``Invalid`` 422. Background jobs
show the message as the job's failure. Nothing else needs to know which app refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Refusal(Exception):
    """Base of every refusal; raise a subclass, which says what kind of no it is."""

    status: ClassVar[int] = 409
    default_code: ClassVar[str] = "refused"

    def __init__(self, message: str | Promise, *, code: str | None = None,
                 fields: Mapping[str, str | Promise] | None = None) -> None:
        self.message = str(message)
        self.code = code or self.default_code
        self.fields = {name: str(text) for name, text in (fields or {}).items()}
        super().__init__(self.message)


class NotFound(Refusal):
    """The record does not exist, or is outside the person's reach (the same answer for both,
    so that a probe cannot tell which)."""

    status = 404
    default_code = "not_found"


class Forbidden(Refusal):
    """The person sees the record but may not do this to it."""

    status = 403
    default_code = "forbidden"


class Conflict(Refusal):
    """The record's state does not allow this now (a submitted dossier, a closed round)."""

    status = 409
    default_code = "conflict"


class Invalid(Refusal):
    """The input is wrong; ``fields`` says which field and why."""

    status = 422
    default_code = "invalid"


@dataclass(frozen=True)
class Verdict:
    """What a permission predicate answers: truthy when allowed, and otherwise the reason.

    ``if not (verdict := can_edit(user, dossier)): ...`` reads as a bool, and the reason goes
    to the person as it is, so the refusal text is written once, beside the rule.
    """

    allowed: bool
    reason: str = ""
    code: str = field(default="forbidden")

    def __bool__(self) -> bool:
        return self.allowed

    def check(self) -> None:
        """Raise ``Forbidden`` with the reason when not allowed."""
        if not self.allowed:
            raise Forbidden(self.reason or _("Bạn không có quyền thực hiện thao tác này."),
                            code=self.code)


ALLOWED = Verdict(True)


def denied(reason: str | Promise, code: str = "forbidden") -> Verdict:
    return Verdict(False, str(reason), code)
