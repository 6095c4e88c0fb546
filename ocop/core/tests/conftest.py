"""The S3-API server of the object-storage tests (ocop/core/testing.py, docs/file-storage.md)."""

from __future__ import annotations

import pytest

from ocop.core.testing import MISSING, S3Server, s3_server_installed


@pytest.fixture(scope="session")
def s3_server():
    """One real S3-API server (its own process, a free loopback port, one private bucket) for
    the whole run; stopped at the end. Skipped only where the test requirements are not
    installed (CI installs them, and fails on any skip)."""
    if not s3_server_installed():
        pytest.skip(MISSING)
    with S3Server() as server:
        yield server


@pytest.fixture
def s3(s3_server, settings, tmp_path):
    """The default storage switched to the bucket for one test, and MEDIA_ROOT pointed at an
    empty folder that must stay empty."""
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage_settings()}
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = tmp_path / "media"
    return s3_server
