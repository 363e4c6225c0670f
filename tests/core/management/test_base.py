"""BaseCommand: options, execution, checks, errors as one line with an exit code."""

import io
import os
import sys

import pytest

from microdj.core.checks import Error, Warning, register, registry
from microdj.core.exceptions import ImproperlyConfigured
from microdj.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    OutputWrapper,
    SystemCheckError,
    error_line,
    handle_default_options,
)


class Echo(BaseCommand):
    help = "Echoes."

    def add_arguments(self, parser):
        parser.add_argument("words", nargs="*")
        parser.add_argument("--fail", choices=["command", "value", "config", "interrupt"])

    def handle(self, *args, **options):
        failure = options["fail"]
        if failure == "command":
            raise CommandError("no can do", returncode=4)
        if failure == "value":
            raise ValueError("bad value")
        if failure == "config":
            raise ImproperlyConfigured("Set FOO.")
        if failure == "interrupt":
            raise KeyboardInterrupt
        return " ".join(options["words"])


@pytest.fixture
def check_messages():
    """Register a check returning whatever the test puts in the list."""
    messages = []

    def sample_check(**kwargs):
        return list(messages)

    register(sample_check, "sample")
    yield messages
    registry.registered_checks.remove(sample_check)


def test_command_error_carries_an_exit_code():
    assert CommandError("x").returncode == 1
    assert CommandError("x", returncode=2).returncode == 2
    assert issubclass(SystemCheckError, CommandError)


def test_execute_writes_what_handle_returns():
    out = io.StringIO()
    assert Echo(stdout=out).execute("a", "b", fail=None, words=["x", "y"], skip_checks=True) == "x y"
    assert out.getvalue() == "x y\n"
    other = io.StringIO()
    Echo().execute(words=["z"], fail=None, skip_checks=True, stdout=other)
    assert other.getvalue() == "z\n"


def test_handle_must_be_overridden():
    with pytest.raises(NotImplementedError):
        BaseCommand().execute(skip_checks=True)


def test_run_from_argv(capsys):
    Echo().run_from_argv(["manage.py", "echo", "hi", "there", "--skip-checks"])
    assert capsys.readouterr().out == "hi there\n"


@pytest.mark.parametrize(
    ("failure", "code", "line"),
    [
        ("command", 4, "Error: no can do\n"),
        ("config", 1, "Error: Set FOO.\n"),
        ("value", 1, "Error: ValueError: bad value (run again with --traceback for details)\n"),
    ],
)
def test_errors_are_one_line_and_an_exit_code(capsys, failure, code, line):
    with pytest.raises(SystemExit) as exit_info:
        Echo().run_from_argv(["manage.py", "echo", "--skip-checks", "--fail", failure])
    assert exit_info.value.code == code
    assert capsys.readouterr().err == line


def test_traceback_option_lets_the_error_through():
    with pytest.raises(ValueError, match="bad value"):
        Echo().run_from_argv(["manage.py", "echo", "--skip-checks", "--fail", "value", "--traceback"])


def test_interrupt_exits_130():
    with pytest.raises(SystemExit) as exit_info:
        Echo().run_from_argv(["manage.py", "echo", "--skip-checks", "--fail", "interrupt"])
    assert exit_info.value.code == 130


def test_bad_arguments_exit_2_with_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        Echo().run_from_argv(["manage.py", "echo", "--fail", "nope"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("Error: argument --fail: invalid choice: 'nope'")
    assert err.endswith("(see 'manage.py echo --help').\n")


def test_parser_says_what_is_missing():
    parser = CommandParser(prog="x", missing_args_message="Give a name.")
    with pytest.raises(CommandError, match="Give a name.") as error_info:
        parser.parse_args([])
    assert error_info.value.returncode == 2
    assert CommandParser(prog="x").parse_args([]) is not None


def test_checks_run_before_handle(check_messages):
    err = io.StringIO()
    check_messages.append(Warning("careful", id="sample.W001"))
    Echo(stderr=err, no_color=True).execute(words=["ok"], fail=None, stdout=io.StringIO())
    assert "?: (sample.W001) careful" in err.getvalue()
    check_messages.append(Error("broken", id="sample.E001"))
    with pytest.raises(SystemCheckError, match=r"sample.E001\) broken"):
        Echo().execute(words=[], fail=None, stdout=io.StringIO())
    Echo().execute(words=[], fail=None, skip_checks=True, stdout=io.StringIO())


def test_checks_limited_to_tags(check_messages):
    class Tagged(Echo):
        requires_system_checks = ["urls"]

    check_messages.append(Error("broken", id="sample.E001"))
    assert Tagged(stdout=io.StringIO()).execute(words=["fine"], fail=None) == "fine"


def test_check_fail_level_and_count(check_messages):
    out, err = io.StringIO(), io.StringIO()
    command = Echo(stdout=out, stderr=err, no_color=True)
    command.check(tags=["sample"], display_num_errors=True)
    assert out.getvalue() == "System check identified no issues (0 silenced).\n"
    check_messages.append(Warning("careful", id="sample.W001"))
    with pytest.raises(SystemCheckError):
        command.check(tags=["sample"], fail_level=30)


def test_system_check_error_line():
    assert error_line(SystemCheckError("list")) == "SystemCheckError: list"
    assert error_line(KeyError("k"), "a.py:3") == (
        "Error: KeyError: 'k' [at a.py:3] (run again with --traceback for details)"
    )


def test_requires_system_checks_must_be_a_list_or_all():
    class Wrong(BaseCommand):
        requires_system_checks = "urls"

    with pytest.raises(TypeError, match="requires_system_checks"):
        Wrong()


def test_color_options():
    with pytest.raises(CommandError, match="can't be used together"):
        BaseCommand(no_color=True, force_color=True)
    with pytest.raises(CommandError, match="can't be used together"):
        Echo().execute(no_color=True, force_color=True, skip_checks=True)
    out = io.StringIO()
    command = Echo(stdout=out)
    command.execute(words=["x"], fail=None, skip_checks=True, force_color=True)
    assert command.style.SUCCESS("ok") == "\x1b[32mok\x1b[0m"
    command.execute(words=["x"], fail=None, skip_checks=True, no_color=True)
    assert command.style.SUCCESS("ok") == "ok" and command.stderr.style_func is None


def test_help_lists_default_and_own_options(capsys):
    Echo().print_help("manage.py", "echo")
    text = capsys.readouterr().out
    assert text.startswith("usage: manage.py echo")
    for option in ("--settings", "--pythonpath", "--traceback", "--verbosity", "--skip-checks", "--fail"):
        assert option in text
    assert "Echoes." in text


def test_suppressed_base_arguments_are_hidden(capsys):
    class Quiet(Echo):
        suppressed_base_arguments = {"--settings"}

    Quiet().print_help("manage.py", "quiet")
    assert "--settings" not in capsys.readouterr().out


def test_version_option(capsys):
    with pytest.raises(SystemExit):
        Echo().run_from_argv(["manage.py", "echo", "--version"])
    assert capsys.readouterr().out.strip() == "0.1.0"


def test_default_options_set_settings_and_path(monkeypatch):
    monkeypatch.delenv("MICRODJ_SETTINGS_MODULE", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    parser = Echo().create_parser("manage.py", "echo")
    handle_default_options(parser.parse_args(["--settings", "a.b", "--pythonpath", "/some/dir"]))
    assert os.environ["MICRODJ_SETTINGS_MODULE"] == "a.b"
    assert sys.path[0] == "/some/dir"


def test_output_wrapper_adds_the_ending_and_styles():
    raw = io.StringIO()
    out = OutputWrapper(raw)
    out.write("a")
    out.write("b\n")
    out.write("c", ending="")
    out.style_func = str.upper
    out.write("d")
    out.write("e", style_func=lambda s: "<" + s + ">")
    out.flush()
    assert raw.getvalue() == "a\nb\ncD\n<e\n>"
    assert out.isatty() is False
    assert out.getvalue() == raw.getvalue()  # other attributes come from the stream


def test_label_command(capsys):
    from microdj.core.management.base import LabelCommand

    class Shout(LabelCommand):
        requires_system_checks = []

        def handle_label(self, label, **options):
            return label.upper() if label != "skip" else None

    Shout().run_from_argv(["manage.py", "shout", "a", "skip", "b"])
    assert capsys.readouterr().out == "A\nB\n"
    assert Shout(stdout=io.StringIO()).execute("skip") is None
    with pytest.raises(SystemExit) as exit_info:
        Shout().run_from_argv(["manage.py", "shout"])
    assert exit_info.value.code == 2
    assert "Enter at least one label." in capsys.readouterr().err
    with pytest.raises(NotImplementedError):
        LabelCommand().handle("x")
