"""``startproject NAME [DIRECTORY]``: write a new project (manage.py, settings, urls, views, asgi)."""

from __future__ import annotations

import importlib.util
import keyword
import os
import stat
from pathlib import Path
from typing import Any

import microdj
from microdj.core.management.base import BaseCommand, CommandError, CommandParser
from microdj.core.management.utils import get_random_secret_key

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "project_template"
TEMPLATE_SUFFIX = "-tpl"


def validate_name(name: str) -> None:
    """A project name is a Python identifier that is not already an importable module."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise CommandError(
            f"'{name}' is not a valid project name. Use a valid Python identifier (letters, digits and "
            "underscores, not starting with a digit).",
            returncode=2,
        )
    try:
        exists = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        exists = False
    if exists:
        raise CommandError(
            f"'{name}' conflicts with the name of an existing Python module and cannot be used as a project "
            "name. Please try another name."
        )


def render(text: str, context: dict[str, str]) -> str:
    """Fill the ``{{ name }}`` placeholders of a template file."""
    for key, value in context.items():
        text = text.replace("{{ " + key + " }}", value)
    return text


class Command(BaseCommand):
    help = (
        "Creates a project: manage.py and the NAME package (settings, urls, views, asgi) in the current "
        "directory, or in DIRECTORY if given."
    )
    missing_args_message = "You must provide a project name."
    requires_system_checks: list[str] = []
    suppressed_base_arguments = {"--settings"}

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Name of the project (a Python identifier).")
        parser.add_argument("directory", nargs="?", help="Existing directory to create the project in.")

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["name"]
        validate_name(name)
        target = options["directory"]
        if target is None:
            top = Path.cwd() / name
            try:
                top.mkdir()
            except FileExistsError:
                raise CommandError(f"'{top}' already exists.") from None
        else:
            top = Path(target).expanduser().resolve()
            if not top.is_dir():
                raise CommandError(f"Destination directory '{top}' does not exist; create it first.")
        files = []
        for source in sorted(TEMPLATE_DIR.rglob("*" + TEMPLATE_SUFFIX)):
            relative = source.relative_to(TEMPLATE_DIR).with_name(source.name.removesuffix(TEMPLATE_SUFFIX))
            destination = top / Path(*(name if part == "project_name" else part for part in relative.parts))
            if destination.exists():
                raise CommandError(
                    f"'{destination}' already exists; startproject does not overwrite files. Choose an "
                    "empty directory."
                )
            files.append((source, destination))
        context = {
            "project_name": name,
            "secret_key": get_random_secret_key(),
            "microdj_version": microdj.__version__,
        }
        for source, destination in files:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text(render(source.read_text(encoding="utf-8"), context), encoding="utf-8")
            if destination.name == "manage.py":
                mode = destination.stat().st_mode
                os.chmod(destination, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)  # noqa: S103 - manage.py is run directly
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Created the project '{name}' in {top}. Next:\n"
                f"    cd {os.path.relpath(top)}\n"
                "    python manage.py runserver"
            )
