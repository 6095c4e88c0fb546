"""Reuse the dossier cycle fixture for the notification flow tests."""

from ocop.dossiers.testing import cycle  # noqa: F401 — re-exported fixture
