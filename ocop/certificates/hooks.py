"""Questions the certificates app asks of the apps above it (ocop.core.hooks)."""

from __future__ import annotations

from typing import Any

from ocop.core.hooks import Hook

# Where a revocation came from, for the certificate page: ``{"label": str, "url": str}`` or None.
# Provided by ocop.inspections (the inspection visit whose failing finding proposed it).
revocation_evidence = Hook("revocation_evidence", default=lambda certificate: None)


def evidence_for(certificate: Any) -> dict[str, str] | None:
    if certificate.revoked_on is None:
        return None
    return revocation_evidence(certificate)
