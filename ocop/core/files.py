"""Stored files: unguessable names on disk and downloads only through permission-checked views.

No URL serves ``MEDIA_ROOT`` or the bucket. Each app's view first finds the record through its
own scoped selector (a record outside the user's reach is a 404, like a missing one) and then
hands the field to :func:`serve_protected`. A file on the local disk goes through
django-sendfile2: through Django by default, or with ``SENDFILE_BACKEND=nginx`` as an
``X-Accel-Redirect`` to the front server's ``internal`` location (docs/accounts-and-security.md,
"Stored files"). A file in object storage (``STORAGE_BACKEND=s3``) has no local path: it is read
from the private bucket with the app's credentials and sent in the response, so no object
address ever leaves the server (docs/file-storage.md says why not a signed-URL redirect).

Stored names are ``<prefix>/<aa>/<32 hex digits><.ext>``: 128 random bits, so a name seen once
says nothing about any other file. The original name lives in a model field and is given back
only in ``Content-Disposition``; the extension is kept because the response's content type is
guessed from it.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
from pathlib import PurePosixPath

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django_sendfile import sendfile

TOKEN_BYTES = 16  # 128 bits
_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


@deconstructible
class UnguessableUploadTo:
    """``upload_to`` for a FileField: a fresh random name under ``prefix``, whatever the upload
    was called (a class, not a closure, so that migrations can serialise it)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    def __call__(self, instance: object, filename: str) -> str:
        token = secrets.token_hex(TOKEN_BYTES)
        suffix = PurePosixPath(filename).suffix.lower()
        extension = suffix if _EXTENSION.fullmatch(suffix) else ""
        # Two-character shard: no directory grows to millions of entries at national scale.
        return f"{self.prefix}/{token[:2]}/{token}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnguessableUploadTo) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def serve_protected(request: HttpRequest, fieldfile: FieldFile | None, download_name: str, *,
                    as_attachment: bool = True, public: bool = False,
                    content_type: str | None = None) -> HttpResponse:
    """Send a stored file whose record the caller has already checked the user may read.

    An empty field or a file missing from the disk or the bucket is the same Vietnamese 404 as
    a record out of reach, never a 500. ``public`` only loosens caching (product photos);
    everything else is ``private, no-store`` so that no shared cache keeps a confidential
    document. ``content_type`` is guessed from the stored name unless the caller knows it.
    """
    if not fieldfile:
        raise Http404(_("Không tìm thấy tệp."))
    name = download_name or PurePosixPath(fieldfile.name).name
    try:
        response = _send(request, fieldfile, name, as_attachment=as_attachment,
                         content_type=content_type)
    except (Http404, FileNotFoundError):
        raise Http404(_("Không tìm thấy tệp.")) from None
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


def _send(request: HttpRequest, fieldfile: FieldFile, download_name: str, *,
          as_attachment: bool, content_type: str | None) -> HttpResponse:
    storage = fieldfile.storage
    try:
        path = storage.path(fieldfile.name)
    except NotImplementedError:
        # Object storage: opening checks that the object exists (FileNotFoundError if not).
        stored = storage.open(fieldfile.name, "rb")
        guessed = mimetypes.guess_type(fieldfile.name)[0] or "application/octet-stream"
        return FileResponse(stored, as_attachment=as_attachment, filename=download_name,
                            content_type=content_type or guessed)
    return sendfile(request, path, attachment=as_attachment, attachment_filename=download_name,
                    mimetype=content_type or None)
