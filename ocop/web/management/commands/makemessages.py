"""Django's makemessages, writing catalogues sorted by msgid and without source locations.

Sorted entries without ``#: file:line`` lines keep the catalogue's diff to the messages that
really changed: moving code no longer rewrites hundreds of reference lines, and two branches
that add different messages rarely touch the same lines (docs/translation.md).
"""

from typing import Any

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--sort-output"]
    msguniq_options = [*makemessages.Command.msguniq_options, "--sort-output"]
    msgattrib_options = [*makemessages.Command.msgattrib_options, "--sort-output"]
    xgettext_options = [*makemessages.Command.xgettext_options, "--sort-output"]

    def handle(self, *args: Any, **options: Any) -> None:
        options["no_location"] = True
        super().handle(*args, **options)
