"""The ``microdj`` command line (also ``python -m microdj`` and a project's ``manage.py``).

``execute_from_command_line(argv)`` runs one command; ``call_command(name, *args, **options)`` runs one from
code. Commands are the modules of ``microdj/core/management/commands/``, the modules of the packages (or
the modules) listed in the ``COMMANDS`` setting, and those of ``management/commands/`` in the settings
module's package. Each module defines ``Command``, a :class:`~microdj.core.management.base.BaseCommand`.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import os
import pkgutil
import sys
from argparse import Namespace
from collections.abc import Sequence
from importlib.util import find_spec
from typing import Any

import microdj
from microdj.core.exceptions import ImproperlyConfigured
from microdj.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    error_line,
    handle_default_options,
)

__all__ = [
    "BaseCommand",
    "CommandError",
    "ManagementUtility",
    "call_command",
    "execute_from_command_line",
    "get_commands",
    "load_command_class",
]

BUILTIN_PACKAGE = "microdj.core.management.commands"


def package_commands(package: str) -> dict[str, str]:
    """Command name -> module path for each public module of ``package``."""
    spec = find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        return {}
    return {
        name: f"{package}.{name}"
        for _, name, is_pkg in pkgutil.iter_modules(spec.submodule_search_locations)
        if not is_pkg and not name.startswith("_")
    }


def _find_spec(name: str) -> Any:
    try:
        return find_spec(name)
    except ImportError:  # a parent package that does not exist
        return None


def project_sources() -> list[str]:
    """The packages and modules holding the project's commands (the settings must be loadable)."""
    from microdj.conf import settings

    sources = []
    module = settings.SETTINGS_MODULE
    if module:
        package = module.rpartition(".")[0]
        sources.append(f"{package}.management.commands" if package else "management.commands")
    commands = settings.COMMANDS
    if not isinstance(commands, list | tuple):
        raise CommandError(
            f"The COMMANDS setting must be a list of dotted paths, not {type(commands).__name__} "
            f"({commands!r})."
        )
    sources.extend(commands)
    return sources


@functools.cache
def get_commands() -> dict[str, str]:
    """Every command name and the module defining it; the project's override built-in ones."""
    commands = package_commands(BUILTIN_PACKAGE)
    try:
        sources = project_sources()
    except ImproperlyConfigured:
        return commands
    for source in sources:
        spec = _find_spec(source)
        if spec is None:
            if source in configured_commands():
                raise ImproperlyConfigured(
                    f"The COMMANDS setting lists {source!r}, which cannot be imported. Fix the dotted path."
                )
            continue
        if spec.submodule_search_locations is not None:
            commands.update(package_commands(source))
        else:
            commands[source.rpartition(".")[2]] = source
    return commands


def configured_commands() -> list[str]:
    """The COMMANDS setting."""
    from microdj.conf import settings

    return list(settings.COMMANDS)


def load_command_class(module_path: str) -> BaseCommand:
    """An instance of the ``Command`` class of ``module_path``."""
    module = importlib.import_module(module_path)
    command_class = getattr(module, "Command", None)
    if command_class is None:
        raise CommandError(f"The command module {module_path!r} defines no Command class.")
    command: BaseCommand = command_class()
    return command


def _option_strings(parser: CommandParser) -> dict[str, str]:
    return {
        min(action.option_strings).lstrip("-").replace("-", "_"): action.dest
        for action in parser._actions  # the only way to list an argparse parser's options
        if action.option_strings
    }


def call_command(command_name: str | BaseCommand, *args: Any, **options: Any) -> Any:
    """Run a command from code, as ``manage.py`` would: ``call_command("check", deploy=True)``.

    Positional ``args`` are parsed as on the command line; ``options`` take option names (``deploy``,
    ``fail_level``) or their ``dest``. System checks are skipped unless ``skip_checks=False``.
    """
    if isinstance(command_name, BaseCommand):
        command = command_name
        command_name = command.__class__.__module__.rpartition(".")[2]
    else:
        try:
            module_path = get_commands()[command_name]
        except KeyError:
            raise CommandError(f"Unknown command: {command_name!r}") from None
        command = load_command_class(module_path)
    parser = command.create_parser("", command_name)
    opt_mapping = _option_strings(parser)
    arg_options = {opt_mapping.get(key, key): value for key, value in options.items()}
    parse_args = [str(a) for a in args]
    for action in parser._actions:
        if action.required and action.option_strings and action.dest in arg_options:
            parse_args.append(min(action.option_strings))
            if action.nargs != 0:
                parse_args.append(str(arg_options[action.dest]))
    defaults = vars(parser.parse_args(parse_args))
    valid = {a.dest for a in parser._actions} | set(command.stealth_options) | {"stdout", "stderr"}
    unknown = sorted(set(arg_options) - valid)
    if unknown:
        raise TypeError(
            f"Unknown option(s) for {command_name} command: {', '.join(unknown)}. "
            f"Valid options are: {', '.join(sorted(valid))}."
        )
    defaults.update(arg_options)
    positional = defaults.pop("args", ())
    if "skip_checks" not in options:
        defaults["skip_checks"] = True
    return command.execute(*positional, **defaults)


class ManagementUtility:
    """The command line: pick the command from ``argv`` and run it; ``help`` and ``version`` built in."""

    def __init__(self, argv: list[str] | None = None) -> None:
        self.argv = list(sys.argv if argv is None else argv)
        base = os.path.basename(self.argv[0]) if self.argv else "microdj"
        if base == "__main__.py":
            base = "python -m microdj"
        self.prog_name = base or "microdj"

    def main_help_text(self, commands_only: bool = False) -> str:
        """The list of commands, by where they come from."""
        commands = get_commands()
        if commands_only:
            return "\n".join(sorted(commands))
        lines = [
            f"Type '{self.prog_name} help <subcommand>' for help on a specific subcommand.",
            "",
            "Available subcommands:",
        ]
        groups: dict[str, list[str]] = {}
        for name, module in commands.items():
            source = "microdj" if module.startswith(BUILTIN_PACKAGE + ".") else module.rpartition(".")[0]
            groups.setdefault(source, []).append(name)
        for source in sorted(groups, key=lambda s: (s != "microdj", s)):
            lines.extend(["", f"[{source}]", *(f"    {name}" for name in sorted(groups[source]))])
        problem = self._settings_problem()
        if problem:
            lines.extend(["", f"Note: only microdj's own commands are listed, because: {problem}"])
        return "\n".join(lines)

    @staticmethod
    def _settings_problem() -> str | None:
        from microdj.conf import settings

        try:
            settings.DEBUG  # noqa: B018 - loads the settings
        except ImproperlyConfigured as error:
            return str(error)
        return None

    def fetch_command(self, subcommand: str) -> BaseCommand:
        """The command named ``subcommand``; an unknown name ends with the list of commands (exit 1)."""
        commands = get_commands()
        module_path = commands.get(subcommand)
        if module_path is None:
            close = difflib.get_close_matches(subcommand, commands)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            message = (
                f"Unknown command: {subcommand!r}.{hint} Available commands: {', '.join(sorted(commands))}. "
                f"Type '{self.prog_name} help' for usage."
            )
            problem = self._settings_problem()
            if problem:
                message += f" The project's own commands are not listed: {problem}"
            raise CommandError(message)
        return load_command_class(module_path)

    def execute(self) -> None:
        """Run the command named on the command line."""
        subcommand = self.argv[1] if len(self.argv) > 1 else "help"
        parser = CommandParser(prog=self.prog_name, add_help=False, allow_abbrev=False)
        parser.add_argument("--settings")
        parser.add_argument("--pythonpath")
        parser.add_argument("args", nargs="*")
        try:
            options, _ = parser.parse_known_args(self.argv[2:])
        except CommandError:
            options = Namespace(settings=None, pythonpath=None, args=[])
        handle_default_options(options)
        if subcommand == "help":
            if "--commands" in self.argv[2:]:
                sys.stdout.write(self.main_help_text(commands_only=True) + "\n")
            elif options.args:
                self.fetch_command(options.args[0]).print_help(self.prog_name, options.args[0])
            else:
                sys.stdout.write(self.main_help_text() + "\n")
        elif subcommand in ("--help", "-h"):
            sys.stdout.write(self.main_help_text() + "\n")
        elif subcommand == "--version":
            sys.stdout.write(microdj.__version__ + "\n")
        else:
            self.fetch_command(subcommand).run_from_argv([self.prog_name, *self.argv[1:]])


def execute_from_command_line(argv: Sequence[str] | None = None) -> None:
    """Run the command line ``argv`` (default ``sys.argv``); errors end with one line and exit 1 or 2."""
    argv = list(sys.argv if argv is None else argv)
    # As `python -m`: modules in the current directory (the project) can be imported.
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    utility = ManagementUtility(argv)
    try:
        utility.execute()
    except SystemExit:
        raise
    except Exception as error:
        if "--traceback" in argv:
            raise
        sys.stderr.write(error_line(error) + "\n")
        raise SystemExit(error.returncode if isinstance(error, CommandError) else 1) from None
