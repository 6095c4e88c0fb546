"""Regenerate the map's base layer (ocop/maps/static/maps/vn-provinces.geojson) from the
``vietnamadminunits`` package; ``--check`` fails when the committed file differs (docs/map.md)."""

from django.core.management.base import BaseCommand, CommandError

from ocop.maps import geodata


class Command(BaseCommand):
    help = "Writes the schematic province map drawn from the commune points of vietnamadminunits."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true",
                            help="Only compare the committed file with a fresh build.")

    def handle(self, *args, check: bool = False, **options) -> None:
        text = geodata.dumps(geodata.build_provinces_geojson()) + "\n"
        target = geodata.BOUNDARIES_FILE
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                raise CommandError(f"{target} is out of date: run manage.py map_boundaries")
            self.stdout.write(f"{target} is up to date.")
            return
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {target} ({len(text.encode()):,} bytes).")
