from django.core.management.base import BaseCommand, CommandError

from ocop.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log and report the first broken entry."

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken:
            raise CommandError(
                f"Audit chain BROKEN at entry #{broken.entry_id}: {broken.reason} "
                f"({checked} entries verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain OK: {checked} entries verified."))
