"""``shell``: an interactive Python shell with the project's settings loaded (IPython if installed)."""

from __future__ import annotations

import code
import importlib.util
import os
import sys
from typing import Any

from microdj.core.management.base import BaseCommand, CommandError, CommandParser

SHELLS = ("ipython", "python")


class Command(BaseCommand):
    help = "Runs a Python shell with the project's settings loaded; -c runs a command instead."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-i", "--interface", choices=SHELLS, help="The shell (default: IPython if installed)."
        )
        parser.add_argument("-c", "--command", help="Run this Python code and exit.")
        parser.add_argument(
            "--no-startup", action="store_true", help="Don't run the file named by PYTHONSTARTUP."
        )

    def namespace(self) -> dict[str, Any]:
        """What the shell starts with: ``settings``."""
        from microdj.conf import settings

        settings.DEBUG  # noqa: B018 - load the settings now: a problem shows before the prompt
        return {"settings": settings}

    def handle(self, *args: Any, **options: Any) -> None:
        names = self.namespace()
        if options["command"]:
            exec(options["command"], names)
            return
        if not sys.stdin.isatty() and options["interface"] is None:
            exec(sys.stdin.read(), names)
            return
        interface = options["interface"] or ("ipython" if importlib.util.find_spec("IPython") else "python")
        if interface == "ipython":
            if importlib.util.find_spec("IPython") is None:
                raise CommandError("IPython is not installed: pip install ipython, or use -i python.")
            from IPython import start_ipython  # type: ignore[import-not-found,unused-ignore]

            start_ipython(argv=[], user_ns=names)
            return
        startup = os.environ.get("PYTHONSTARTUP")
        if startup and not options["no_startup"] and os.path.isfile(startup):
            with open(startup) as file:
                exec(compile(file.read(), startup, "exec"), names)
        code.interact(local=names)
