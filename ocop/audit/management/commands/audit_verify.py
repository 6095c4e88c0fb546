from django.core.management.base import BaseCommand, CommandError

from ocop.audit.services import anchor_present, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the audit log and report the first broken entry. "
        "Prints the head hash; keep it outside the database and pass it back later with "
        "--anchor to prove that nothing up to it was rewritten."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="HASH",
            help="A head hash printed by an earlier run; fails if it is no longer in the chain.",
        )

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if report.broken:
            raise CommandError(
                f"Audit chain BROKEN at {report.broken.describe()} "
                f"({report.checked} entries verified before it)."
            )
        for anchor in options["anchor"]:
            if not anchor_present(anchor.strip().lower()):
                raise CommandError(
                    f"Audit chain BROKEN: anchor {anchor} is no longer in the chain "
                    "(the log was rewritten)."
                )
        head = f"#{report.head_id}" if report.head_id else "(empty)"
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain OK: {report.checked} entries verified.")
        )
        self.stdout.write(f"Head {head}: {report.head_hash}")
