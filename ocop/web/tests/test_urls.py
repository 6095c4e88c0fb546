"""Every route of the site resolves to its own view: no pattern is shadowed by one before it.

The root URLconf puts the stamp resolver's routes first (they serve every consumer scan, and each
pattern tried before them costs CPU, docs/traceability.md); this holds the order honest. Each
route is filled with sample values by converter and resolved from the top, and must come back
to its own route (and so its own view).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

SAMPLES = {"int": "7", "str": "x9", "slug": "x-9", "path": "x9/y9", "uuid": str(uuid.UUID(int=7))}
_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?\w+>")


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # the admin's and Django's own regular expressions: not ours to order
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        else:
            yield route


def _filled(route: str) -> str:
    return "/" + _PARAMETER.sub(lambda m: SAMPLES[m.group("converter") or "str"], route)


def test_every_route_resolves_to_its_own_view():
    routes = list(_routes(get_resolver()))
    assert len(routes) > 200
    shadowed = []
    for route in routes:
        match = resolve(_filled(route))
        # Compared by route: the API declares one pattern per operation on a shared route (one
        # view dispatching on the method), so the same route may answer with a sibling's view.
        if match.route != route:
            shadowed.append(f"{route} → {match.route}")
    assert shadowed == []


def test_the_scan_routes_come_first():
    first = list(_routes(get_resolver()))[:2]
    assert first == ["01/<str:gtin>/10/<str:lot>/21/<str:serial>",
                     "t/<str:product_id>/<str:lot>/<str:serial>"]
