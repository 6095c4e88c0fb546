"""Reuse the dossier cycle fixture for the notification flow tests."""

from ocop.dossiers.tests.conftest import cycle  # noqa: F401 — re-exported fixture
