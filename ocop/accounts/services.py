"""Every write on accounts: each runs in one transaction with its audit entry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts.models import ApiToken, User
from ocop.accounts.policy import second_factor_required
from ocop.audit import services as audit


def issue_api_token(
    *, user: User, name: str, second_factor_passed: bool
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with the raw secret, which is never stored.

    A token reaches the API without any second factor, so an account that must use 2FA gets
    one only from a session that has passed it (``second_factor_passed``); otherwise a stolen
    password alone would be enough to mint a lasting credential.
    """
    if second_factor_required(user) and not second_factor_passed:
        raise PermissionDenied("second factor required to issue an API token")
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name)
        audit.record(actor=user, action="token.create", obj=token, changes={"name": [None, name]})
    return token, raw


def revoke_api_token(
    *, user: User, token_id: int | str, actor: User | None = None
) -> ApiToken | None:
    """Revoke one of ``user``'s live tokens; ``None`` when there is no such token.

    ``actor`` is who does it when not the owner (an administrator in the admin site).
    """
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update(no_key=True)
            .filter(user=user, pk=token_id, revoked=False)
            .first()
        )
        if token is None:
            return None
        token.revoked = True
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked", "revoked_at"])
        audit.record(
            actor=actor or user,
            action="token.revoke",
            obj=token,
            changes={"revoked": [False, True]},
        )
    return token


def pending_totp_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device being set up (created on first visit so the QR stays stable)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def confirm_totp_device(*, user: User, device: TOTPDevice) -> None:
    """Mark the device confirmed once the user has typed a valid code from it."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Drop other half-finished set-ups so that only scanned secrets remain.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit.record(
            actor=user, action="otp.enable", obj=user, changes={"otp": [False, True]}
        )
