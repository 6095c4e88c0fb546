from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.criteria import selectors, services
from ocop.criteria.engine import CriteriaSetError
from ocop.criteria.engine.excel import write_excel


class Command(BaseCommand):
    help = "Criteria sets: validate FILE | import FILE | load-shipped | list | export-xlsx CODE OUT"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("validate", help="check a YAML or .xlsx set file").add_argument(
            "file", type=Path
        )
        sub.add_parser("import", help="validate and store a set file").add_argument(
            "file", type=Path
        )
        sub.add_parser("load-shipped", help="import the sets shipped with the platform")
        sub.add_parser("list", help="list stored versions")
        export = sub.add_parser("export-xlsx", help="write a stored set as the Excel template")
        export.add_argument("code")
        export.add_argument("out", type=Path)

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, "do_" + action.replace("-", "_"))(**options)
        except CriteriaSetError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"{exc.filename}: {exc.strerror}") from exc

    def do_validate(self, file: Path, **_):
        cs = services.parse_upload(file.name, file.read_bytes())
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {cs.key} — {len(cs.criteria)} criteria, {len(cs.mandatory)} mandatory rules,"
                f" status {cs.status.kind}"
            )
        )

    def do_import(self, file: Path, **_):
        row, created = services.import_file(path=file)
        self.stdout.write(self.style.SUCCESS(f"{'Imported' if created else 'Unchanged'}: {row}"))

    def do_load_shipped(self, **_):
        for row in services.load_shipped_sets():
            self.stdout.write(f"{row} ({row.status_kind})")

    def do_list(self, **_):
        for row in selectors.versions().order_by("code", "version"):
            until = row.effective_to or "…"
            lock = " locked" if row.locked else ""
            self.stdout.write(f"{row}\t{row.status_kind}\t{row.effective_from} → {until}{lock}")

    def do_export_xlsx(self, code: str, out: Path, **_):
        try:
            _, cs = selectors.load(code)
        except selectors.UnknownCriteriaSet as exc:
            raise CommandError(f"unknown criteria set {code!r}") from exc
        write_excel(cs, out)
        self.stdout.write(self.style.SUCCESS(f"Wrote {out}"))
