"""``collectstatic``: copy the static files into ``STATIC_ROOT`` (see :mod:`microdj.contrib.staticfiles`)."""

from __future__ import annotations

from typing import Any

from microdj.contrib.staticfiles.collect import collectstatic
from microdj.contrib.staticfiles.storage import staticfiles_storage
from microdj.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Collects the files of STATICFILES_DIRS into STATIC_ROOT, with hashed names when the storage keeps a "
        "manifest, and pre-compressed copies."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )
        parser.add_argument("--clear", "-c", action="store_true", help="Delete what STATIC_ROOT holds first.")
        parser.add_argument("--dry-run", "-n", action="store_true", help="Only say what would be done.")
        parser.add_argument("--no-compress", action="store_false", dest="compress", help="No .gz/.br copies.")

    def handle(self, *args: Any, **options: Any) -> None:
        root = staticfiles_storage.location  # ImproperlyConfigured without STATIC_ROOT
        if options["interactive"] and not options["dry_run"]:
            action = "delete everything in it and copy" if options["clear"] else "copy"
            answer = input(f"This will {action} the static files into {root}. Type 'yes' to continue: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Collecting static files cancelled.")
        result = collectstatic(
            clear=options["clear"], dry_run=options["dry_run"], compress=options["compress"]
        )
        if options["verbosity"] >= 2:
            for name in result.copied:
                self.stdout.write(f"{'Pretending to copy' if result.dry_run else 'Copying'} '{name}'")
        if options["verbosity"] >= 1:
            self.stdout.write(result.summary())
