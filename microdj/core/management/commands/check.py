"""``check``: run the system checks; ``--deploy`` adds the deployment checks."""

from __future__ import annotations

from typing import Any

from microdj.core import checks
from microdj.core.management.base import BaseCommand, CommandError, CommandParser

LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class Command(BaseCommand):
    help = "Checks the project's settings, URLconf and middleware for common problems."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tag", "-t", action="append", dest="tags", help="Run only checks with this tag."
        )
        parser.add_argument("--list-tags", action="store_true", help="List the available tags.")
        parser.add_argument("--deploy", action="store_true", help="Run the deployment checks too.")
        parser.add_argument(
            "--fail-level",
            default="ERROR",
            choices=LEVELS,
            help="The level of message that makes the command exit with a non-zero status (default ERROR).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        deploy = options["deploy"]
        if options["list_tags"]:
            self.stdout.write("\n".join(sorted(checks.registry.tags_available(deploy))))
            return
        tags = options["tags"]
        if tags:
            unknown = [t for t in tags if not checks.tag_exists(t, include_deployment_checks=deploy)]
            if unknown:
                raise CommandError(f"There is no system check with the {unknown[0]!r} tag.")
        self.check(
            tags=tags,
            display_num_errors=True,
            include_deployment_checks=deploy,
            fail_level=getattr(checks, options["fail_level"]),
        )
