"""Deployment check (``manage.py check --deploy``): the public pages name the province's own
OCOP standing office, not the demo's example."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_agency(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Unset, the agency page ("Cơ quan quản lý, liên hệ", linked from every public page's
    footer) and the open data's publisher name the example province's office with example
    contacts: a buyer or a journalist would write to ocop@example.org."""
    if settings.DEBUG or settings.LOCAL_DEMO:
        return []
    missing = [name for name in ("OCOP_AGENCY_NAME", "OCOP_AGENCY_ADDRESS", "OCOP_AGENCY_PHONE",
                                 "OCOP_AGENCY_EMAIL") if not getattr(settings, name)]
    if not missing:
        return []
    return [Warning(
        f"{', '.join(missing)} not set: the public agency page shows the example province's "
        "office with example contacts.",
        hint="Set the province's OCOP standing office in the environment; docs/deployment.md.",
        id="ocop.catalogue.W001")]
