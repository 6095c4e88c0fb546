"""API authentication: a bearer token (``Authorization: Bearer ocop_…``) or the browser session."""

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from ocop.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        if not token.startswith("ocop_"):
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


token_or_session = [TokenAuth(), SessionAuth()]
