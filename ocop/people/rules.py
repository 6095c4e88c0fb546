"""Which accounts a province's standing office gives, and where each is bound (no database)."""

from __future__ import annotations

from ocop.accounts.models import Role

# The people of a province's programme: the office gives them their accounts. Offices, the
# central level, administrators and buyers are given theirs by an administrator (Django admin).
MANAGED_ROLES = (Role.COMMUNE_OFFICER, Role.COUNCIL_MEMBER, Role.INSPECTOR, Role.PRODUCER)
# Bound to the province itself; a commune officer is bound to a commune of it, a producer's
# account to a producer of it.
PROVINCE_BOUND_ROLES = (Role.COUNCIL_MEMBER, Role.INSPECTOR)
# Officials: their accounts require two-step verification (User.require_otp).
OFFICIAL_ROLES = (Role.COMMUNE_OFFICER, Role.COUNCIL_MEMBER, Role.INSPECTOR)
