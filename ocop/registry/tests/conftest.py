"""Registry test data: the ``classification`` and ``world`` fixtures of ocop.registry.testing
(one account per role, producers at each position relative to them)."""

from ocop.registry.testing import classification, world

__all__ = ["classification", "world"]
