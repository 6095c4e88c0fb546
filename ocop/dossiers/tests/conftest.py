"""Dossier test data: the ``cycle`` fixture of ocop.dossiers.testing (Bắc Giang 2024 and merged
Bắc Ninh 2025, one account per role and position)."""

from ocop.dossiers.testing import cycle

__all__ = ["cycle"]
