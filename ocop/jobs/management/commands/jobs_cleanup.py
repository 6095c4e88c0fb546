"""Delete background-job results past their retention (run it from cron, e.g. hourly)."""

from django.core.management.base import BaseCommand

from ocop.jobs.services import delete_expired


class Command(BaseCommand):
    help = "Xoá các tệp kết quả tác vụ nền đã quá thời hạn lưu giữ."

    def handle(self, *args, **options) -> None:
        removed = delete_expired()
        self.stdout.write(f"{removed}")
