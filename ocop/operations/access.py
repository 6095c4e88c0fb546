"""Who may read /metrics and the details of /readyz.

- ``METRICS_TOKEN`` set: the caller sends ``Authorization: Bearer <token>`` (compared in constant
  time); with ``METRICS_ALLOWED_IPS`` also set, it must in addition come from one of those
  networks (the direct peer address, never X-Forwarded-For, which a client can write).
- ``METRICS_TOKEN`` unset: only the local demo and development (DEBUG or OCOP_LOCAL_DEMO) answer,
  and only to a caller on the loopback address; a production server refuses everyone, so that
  forgetting the token cannot publish the metrics.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def _peer_in(request: HttpRequest, networks) -> bool:
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in network for network in networks)


def operator(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return (settings.DEBUG or settings.LOCAL_DEMO) and _peer_in(request, LOOPBACK)
    header = request.headers.get("Authorization", "")
    scheme, _, sent = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(sent.strip().encode(),
                                                             token.encode()):
        return False
    allowed = settings.METRICS_ALLOWED_IPS
    return not allowed or _peer_in(request, [ipaddress.ip_network(n, strict=False)
                                             for n in allowed])
