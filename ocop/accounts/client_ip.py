"""The client address used by login lockout (django-axes ``AXES_CLIENT_IP_CALLABLE``).

Directly exposed (TRUSTED_PROXY_COUNT = 0) it is REMOTE_ADDR and X-Forwarded-For is ignored, so
a client cannot dodge the lockout by inventing a new address on every attempt. Behind N reverse
proxies that each append to X-Forwarded-For, the real client is the N-th address from the right:
everything left of it was written by the client and cannot be trusted.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
