"""API authentication: a bearer token (``Authorization: Bearer ocop_…``) or the browser session."""

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from ocop.accounts.middleware import second_factor_step
from ocop.accounts.models import ApiToken, User

TOKEN_PREFIX = "ocop_"  # noqa: S105 — a public marker, not a secret


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        found = (
            ApiToken.objects.select_related("user", "user__unit", "user__producer")
            .filter(key_hash=ApiToken.hash_key(token), revoked=False, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        # Touch at most once a minute so that a busy client does not write on every request.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class VerifiedSessionAuth(SessionAuth):
    """The browser session, but only once it has passed its second factor: the page
    middleware does not guard /api/, so without this a stolen password alone would reach the
    API of an account protected by TOTP. Unsafe methods still need the CSRF token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated or second_factor_step(user) is not None:
            return None
        return user


token_or_session = [TokenAuth(), VerifiedSessionAuth()]
