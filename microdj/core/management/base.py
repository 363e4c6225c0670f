"""``BaseCommand``: what every command (built-in or the project's own) is made of, as Django's.

A command subclasses :class:`BaseCommand`, sets ``help``, declares its options in
``add_arguments(parser)`` (an :mod:`argparse` parser) and does its work in ``handle(*args, **options)``,
writing to ``self.stdout``/``self.stderr``. Raising :class:`CommandError` ends it with one line on stderr
and the error's exit code; ``--traceback`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from io import TextIOBase
from typing import Any, NoReturn, TextIO

import microdj
from microdj.core.management.color import Style, color_style, no_style

ALL_CHECKS = "__all__"


class CommandError(Exception):
    """A problem a command reports to its user: one line on stderr, exit code ``returncode`` (1)."""

    def __init__(self, *args: Any, returncode: int = 1) -> None:
        self.returncode = returncode
        super().__init__(*args)


class SystemCheckError(CommandError):
    """The system checks found errors; the message lists them."""


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose errors are a :class:`CommandError` (exit code 2) rather than an exit."""

    def __init__(
        self,
        *,
        missing_args_message: str | None = None,
        called_from_command_line: bool | None = None,
        **kwargs: Any,
    ) -> None:
        self.missing_args_message = missing_args_message
        self.called_from_command_line = called_from_command_line
        super().__init__(**kwargs)

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> Any:  # type: ignore[override]
        """Parse, and say what is missing when a command that needs arguments got none."""
        if self.missing_args_message and not args:
            self.error(self.missing_args_message)
        return super().parse_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        """Raise CommandError(message, returncode=2): one line, as every other command error."""
        raise CommandError(f"{message} (see '{self.prog} --help').", returncode=2)


class OutputWrapper(TextIOBase):
    """A text stream that adds a line ending to what is written and can style it."""

    def __init__(self, out: TextIO, ending: str = "\n") -> None:
        self._out = out
        self.style_func: Callable[[str], str] | None = None
        self.ending = ending

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)

    def flush(self) -> None:
        """Flush the wrapped stream."""
        if hasattr(self._out, "flush"):
            self._out.flush()

    def isatty(self) -> bool:
        """True when the wrapped stream is a terminal."""
        return hasattr(self._out, "isatty") and self._out.isatty()

    def write(  # type: ignore[override]
        self, msg: str = "", style_func: Callable[[str], str] | None = None, ending: str | None = None
    ) -> None:
        """Write ``msg`` (styled) followed by the ending unless it already ends with it."""
        ending = self.ending if ending is None else ending
        if ending and not msg.endswith(ending):
            msg += ending
        style = style_func or self.style_func
        self._out.write(style(msg) if style else msg)


def handle_default_options(options: argparse.Namespace) -> None:
    """Apply ``--settings`` and ``--pythonpath`` before anything reads the settings."""
    from microdj.conf import ENVIRONMENT_VARIABLE

    if getattr(options, "settings", None):
        os.environ[ENVIRONMENT_VARIABLE] = options.settings
    if getattr(options, "pythonpath", None):
        sys.path.insert(0, options.pythonpath)


class BaseCommand:
    """The base of every command. Override ``handle()``; add options in ``add_arguments()``."""

    help = ""
    # Tags of the checks run before handle() ("__all__": every check, []: none).
    requires_system_checks: Sequence[str] | str = ALL_CHECKS
    # Options call_command() accepts without the parser declaring them.
    stealth_options: tuple[str, ...] = ()
    # Default options this command does not offer (e.g. "--settings").
    suppressed_base_arguments: set[str] = set()
    _called_from_command_line = False

    def __init__(
        self,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        no_color: bool = False,
        force_color: bool = False,
    ) -> None:
        self.stdout = OutputWrapper(stdout or sys.stdout)
        self.stderr = OutputWrapper(stderr or sys.stderr)
        if no_color and force_color:
            raise CommandError("The --no-color and --force-color options can't be used together.")
        self.style: Style = no_style() if no_color else color_style(force_color)
        if not no_color:
            self.stderr.style_func = self.style.ERROR
        if (
            not isinstance(self.requires_system_checks, list | tuple)
            and self.requires_system_checks != ALL_CHECKS
        ):
            raise TypeError("requires_system_checks must be a list or tuple of tags, or '__all__'.")

    def get_version(self) -> str:
        """The version ``--version`` prints."""
        return microdj.__version__

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        """The parser of this command: its own options after the default ones."""
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        parser = CommandParser(
            prog=f"{os.path.basename(prog_name)} {subcommand}",
            description=self.help or None,
            missing_args_message=getattr(self, "missing_args_message", None),
            called_from_command_line=getattr(self, "_called_from_command_line", None),
            **kwargs,
        )
        self.add_base_argument(parser, "--version", action="version", version=self.get_version())
        self.add_base_argument(
            parser,
            "-v",
            "--verbosity",
            default=1,
            type=int,
            choices=[0, 1, 2, 3],
            help="Verbosity level; 0=minimal, 1=normal, 2=verbose, 3=very verbose output.",
        )
        self.add_base_argument(
            parser,
            "--settings",
            help="The settings module, e.g. 'mysite.settings' (default: the MICRODJ_SETTINGS_MODULE "
            "environment variable).",
        )
        self.add_base_argument(
            parser, "--pythonpath", help="A directory to add to the Python path, e.g. '/home/me/mysite'."
        )
        self.add_base_argument(
            parser, "--traceback", action="store_true", help="Show the full traceback of an error."
        )
        self.add_base_argument(parser, "--no-color", action="store_true", help="Don't colorize the output.")
        self.add_base_argument(parser, "--force-color", action="store_true", help="Force colorized output.")
        if self.requires_system_checks:
            parser.add_argument("--skip-checks", action="store_true", help="Skip the system checks.")
        self.add_arguments(parser)
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare this command's own options (override)."""

    def add_base_argument(self, parser: CommandParser, *args: Any, **kwargs: Any) -> None:
        """Add a default option unless this command suppresses it."""
        for arg in args:
            if arg in self.suppressed_base_arguments:
                kwargs["help"] = argparse.SUPPRESS
                break
        parser.add_argument(*args, **kwargs)

    def print_help(self, prog_name: str, subcommand: str) -> None:
        """Print this command's help."""
        self.create_parser(prog_name, subcommand).print_help(self.stdout)

    def run_from_argv(self, argv: list[str]) -> None:
        """Run from a command line (``argv[0]`` the program, ``argv[1]`` the command); errors exit."""
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        show_traceback = "--traceback" in argv
        try:
            options = parser.parse_args(argv[2:])
            cmd_options = vars(options)
            args = cmd_options.pop("args", ())
            handle_default_options(options)
            self.execute(*args, **cmd_options)
        except KeyboardInterrupt:
            raise SystemExit(130) from None
        except Exception as error:
            if show_traceback:
                raise
            sys.stderr.write(error_line(error) + "\n")
            sys.stderr.flush()
            raise SystemExit(error.returncode if isinstance(error, CommandError) else 1) from None

    def execute(self, *args: Any, **options: Any) -> Any:
        """Run the system checks (unless skipped), then ``handle()``; write what it returns."""
        if options.get("force_color") and options.get("no_color"):
            raise CommandError("The --no-color and --force-color options can't be used together.")
        if options.get("no_color"):
            self.style = no_style()
            self.stderr.style_func = None
        elif options.get("force_color"):
            self.style = color_style(force_color=True)
        if options.get("stdout"):
            self.stdout = OutputWrapper(options["stdout"])
        if options.get("stderr"):
            self.stderr = OutputWrapper(options["stderr"])
        if self.requires_system_checks and not options.get("skip_checks"):
            tags = None if self.requires_system_checks == ALL_CHECKS else self.requires_system_checks
            self.check(tags=tags)
        output = self.handle(*args, **options)
        if output:
            self.stdout.write(output)
        return output

    def check(
        self,
        app_configs: Any = None,
        tags: Sequence[str] | None = None,
        display_num_errors: bool = False,
        include_deployment_checks: bool = False,
        fail_level: int | None = None,
        databases: Any = None,
    ) -> None:
        """Run the system checks: print warnings; raise SystemCheckError at ``fail_level`` (ERROR) and up."""
        from microdj.core import checks
        from microdj.core.checks.report import format_report, visible

        found, silenced = visible(
            checks.run_checks(tags=tags, include_deployment_checks=include_deployment_checks)
        )
        level = checks.ERROR if fail_level is None else fail_level
        report = format_report(
            found,
            silenced,
            display_num_errors=display_num_errors,
            error_style=self.style.ERROR,
            warning_style=self.style.WARNING,
        )
        if any(m.is_serious(level) for m in found):
            raise SystemCheckError(report)
        if found or display_num_errors:
            stream = self.stderr if found else self.stdout
            stream.write(report, style_func=None)

    def handle(self, *args: Any, **options: Any) -> str | None:
        """Do the command's work (override); a returned string is written to stdout."""
        raise NotImplementedError("subclasses of BaseCommand must provide a handle() method")


def error_line(error: BaseException, location: str = "") -> str:
    """The one line a user sees for an error: the message of a CommandError, the type and message else
    (with ``location``, e.g. ``"views.py:12"``, if given)."""
    from microdj.core.exceptions import ImproperlyConfigured

    if isinstance(error, SystemCheckError):
        return f"SystemCheckError: {error}"
    if isinstance(error, CommandError | ImproperlyConfigured):
        return f"Error: {error}"
    at = f" [at {location}]" if location else ""
    return f"Error: {type(error).__name__}: {error}{at} (run again with --traceback for details)"


class LabelCommand(BaseCommand):
    """A command taking one or more labels, each handled by ``handle_label(label, **options)``."""

    label = "label"
    missing_args_message = "Enter at least one label."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", metavar=self.label, nargs="+")

    def handle(self, *labels: str, **options: Any) -> str | None:
        """Call handle_label() for each label; join what they return with newlines."""
        output = [text for label in labels if (text := self.handle_label(label, **options))]
        return "\n".join(output) or None

    def handle_label(self, label: str, **options: Any) -> str | None:
        """Handle one label (override)."""
        raise NotImplementedError("subclasses of LabelCommand must provide a handle_label() method")
