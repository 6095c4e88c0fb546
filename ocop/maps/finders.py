"""Serves Leaflet from the django-leaflet package as static files, without installing its app.

django-leaflet as an app would import GeoDjango (its admin needs the GDAL C library), which the
platform does not use. This finder exposes only the files the map page loads, from the package's
own static folder, under the same ``leaflet/`` prefix django-leaflet uses; ``collectstatic`` and
the test server find them like any other static file. Nothing third-party is copied into the
repository.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "leaflet"
FILES = (
    "leaflet.js",
    "leaflet.js.map",  # named by leaflet.js's sourceMappingURL; the manifest storage checks it
    "leaflet.css",
    # Named by leaflet.css; the map draws circles and paths, but the manifest storage rewrites
    # every url() in the stylesheet and fails on a missing one.
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
)


def _root() -> Path:
    spec = find_spec("leaflet")
    if spec is None or spec.origin is None:
        raise RuntimeError("django-leaflet is not installed (requirements/base.txt)")
    return Path(spec.origin).parent / "static" / "leaflet"


class LeafletFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.root = _root()
        self.storage = FileSystemStorage(location=str(self.root))
        self.storage.prefix = PREFIX

    def check(self, **kwargs) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs) -> str | list[str]:
        name = path.removeprefix(f"{PREFIX}/")
        if path.startswith(f"{PREFIX}/") and name in FILES and (self.root / name).is_file():
            found = str(self.root / name)
            return [found] if find_all else found
        return [] if find_all else ""

    def list(self, ignore_patterns):
        for name in FILES:
            yield name, self.storage
