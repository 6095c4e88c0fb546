"""The open data on object storage (STORAGE_BACKEND=s3, docs/file-storage.md): the build writes
to the bucket, the stable URLs send the bytes from it, and pruned releases leave it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.test import Client

from ocop.core.tests.conftest import s3, s3_server
from ocop.opendata import services
from ocop.opendata.models import ReleaseFile
from ocop.opendata.tests.conftest import TODAY

__all__ = ["s3", "s3_server"]


def test_build_and_download_through_the_bucket(ow, s3, settings,
                                               django_capture_on_commit_callbacks):
    release = services.build(today=TODAY)
    keys = {f.file.name for f in release.files.all()}
    assert keys <= s3.object_keys()
    stored = release.files.get(name="catalog.ttl")
    assert hashlib.sha256(s3.read(stored.file.name)).hexdigest() == stored.sha256

    response = Client().get("/du-lieu-mo/catalog.ttl")
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == stored.sha256
    assert response["Cache-Control"] == "public, max-age=900"
    assert s3.endpoint_url not in str(response.headers) and s3.bucket not in str(response.headers)

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(services.KEEP_RELEASES):
            services.build(today=TODAY)
    remaining = s3.object_keys()
    assert not keys & remaining  # the first release was pruned, with its objects
    assert set(ReleaseFile.objects.values_list("file", flat=True)) <= remaining
    assert not any(Path(settings.MEDIA_ROOT).rglob("*"))
