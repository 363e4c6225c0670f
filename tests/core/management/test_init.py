"""The command line: finding commands (microdj's and the project's), help, unknown commands, call_command."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured
from microdj.core.management import (
    ManagementUtility,
    call_command,
    execute_from_command_line,
    get_commands,
    load_command_class,
)
from microdj.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[3]
BUILTIN = {"check", "collectstatic", "routes", "runserver", "serve", "shell", "startproject", "version"}


def run(*argv):
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", *argv])
    return exit_info.value.code


def test_builtin_commands():
    commands = get_commands()
    assert set(commands) >= BUILTIN
    assert commands["check"] == "microdj.core.management.commands.check"


def test_project_commands_found(project):
    commands = get_commands()
    assert commands["hello"] == "tests.core.management.project.management.commands.hello"
    assert commands["greet"] == "tests.core.management.extra_commands.greet"
    assert commands["single_command"] == "tests.core.management.single_command"
    assert "_private" not in commands


def test_top_level_settings_module_looks_next_to_it(monkeypatch, override):
    monkeypatch.setattr(settings, "SETTINGS_MODULE", "settings")
    override(COMMANDS=[])
    monkeypatch.syspath_prepend(str(ROOT / "tests" / "core" / "management" / "project"))
    assert get_commands()["hello"] == "management.commands.hello"


def test_commands_setting_must_import(override):
    override(COMMANDS=["tests.core.management.nowhere"])
    with pytest.raises(ImproperlyConfigured, match="COMMANDS setting lists 'tests.core.management.nowhere'"):
        get_commands()
    get_commands.cache_clear()
    override(COMMANDS=["no_such_top_package.commands"])
    with pytest.raises(ImproperlyConfigured, match="cannot be imported"):
        get_commands()


def test_commands_setting_must_be_a_list(override):
    override(COMMANDS="tests.core.management.extra_commands")
    with pytest.raises(CommandError, match="The COMMANDS setting must be a list of dotted paths, not str"):
        get_commands()


def test_a_module_without_command_class():
    with pytest.raises(CommandError, match="defines no Command class"):
        load_command_class("tests.core.management.nocommand")


def test_help_lists_commands_by_source(project, capsys):
    ManagementUtility(["manage.py", "help"]).execute()
    out = capsys.readouterr().out
    assert out.startswith("Type 'manage.py help <subcommand>' for help on a specific subcommand.")
    assert "[microdj]\n    check\n" in out
    assert "[tests.core.management.project.management.commands]\n    boom\n    fail\n    hello" in out
    assert "[tests.core.management.extra_commands]\n    greet" in out
    assert "Note:" not in out
    ManagementUtility(["manage.py"]).execute()
    assert capsys.readouterr().out == out
    ManagementUtility(["manage.py", "--help"]).execute()
    assert capsys.readouterr().out == out


def test_help_commands_only_and_help_for_one(project, capsys):
    ManagementUtility(["manage.py", "help", "--commands"]).execute()
    names = capsys.readouterr().out.split()
    assert names == sorted(names) and "hello" in names and "check" in names
    ManagementUtility(["manage.py", "help", "hello"]).execute()
    assert capsys.readouterr().out.startswith("usage: manage.py hello")


def test_version(capsys):
    ManagementUtility(["manage.py", "--version"]).execute()
    ManagementUtility(["manage.py", "version"]).execute()
    assert capsys.readouterr().out == "0.1.0\n0.1.0\n"


def test_unknown_command_lists_the_others(capsys):
    assert run("chek") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("Error: Unknown command: 'chek'. Did you mean 'check'? Available commands: check, ")
    assert "Type 'manage.py help' for usage." in err


def test_project_commands(project, capsys):
    execute_from_command_line(["manage.py", "hello", "world", "--shout"])
    assert capsys.readouterr().out == "HELLO WORLD\n"
    assert run("fail") == 3
    assert capsys.readouterr().err == "Error: the widget is missing\n"
    assert run("boom") == 1
    assert "Error: ValueError: unexpected (run again with --traceback" in capsys.readouterr().err
    with pytest.raises(ValueError):
        execute_from_command_line(["manage.py", "boom", "--traceback"])


def test_errors_outside_a_command_are_one_line(project, capsys):
    assert run("help", "nosuch") == 1
    assert capsys.readouterr().err.startswith("Error: Unknown command: 'nosuch'.")
    with pytest.raises(CommandError):
        execute_from_command_line(["manage.py", "help", "nosuch", "--traceback"])


def test_missing_settings_name_the_variable():
    env = {k: v for k, v in os.environ.items() if k != "MICRODJ_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "microdj", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: Settings are not configured. Set the environment variable ")
    assert "MICRODJ_SETTINGS_MODULE" in done.stderr and "Traceback" not in done.stderr
    listing = subprocess.run(
        [sys.executable, "-m", "microdj", "nosuch"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listing.returncode == 1
    assert "The project's own commands are not listed: Settings are not configured." in listing.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "microdj"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert usage.stdout.startswith("Type 'python -m microdj help <subcommand>'")
    assert (
        "Note: only microdj's own commands are listed, because: Settings are not configured." in usage.stdout
    )


def test_console_script_and_settings_option():
    script = Path(sys.executable).with_name("microdj")
    if not script.exists():
        pytest.skip("the microdj console script is not installed in this environment (pip install -e .)")
    env = {k: v for k, v in os.environ.items() if k != "MICRODJ_SETTINGS_MODULE"}
    done = subprocess.run(
        [str(script), "hello", "you", "--settings", "tests.core.management.project.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "hello you\n", "")


def test_call_command_takes_option_names_and_dests(project):
    out = io.StringIO()
    assert call_command("hello", "you", shout=True, times=2, stdout=out) == "HELLO YOUHELLO YOU"
    assert out.getvalue() == "HELLO YOUHELLO YOU\n"
    call_command("greet", to="all", stdout=out)
    assert out.getvalue().endswith("greetings, all\n")


def test_call_command_with_an_instance_and_errors(project):
    command = load_command_class("tests.core.management.single_command")
    assert call_command(command, stdout=io.StringIO()) == "single"
    with pytest.raises(TypeError, match="Unknown option\\(s\\) for hello command: colour"):
        call_command("hello", "you", colour=True)
    with pytest.raises(CommandError, match="Unknown command: 'nosuch'"):
        call_command("nosuch")
    with pytest.raises(CommandError, match="the widget is missing"):
        call_command("fail")


def test_call_command_skips_checks_unless_asked(project, monkeypatch):
    from microdj.core.management.base import BaseCommand

    seen = []
    monkeypatch.setattr(BaseCommand, "check", lambda self, **kwargs: seen.append(kwargs))
    call_command("greet", to="x", stdout=io.StringIO())
    assert seen == []
    call_command("greet", to="x", skip_checks=False, stdout=io.StringIO())
    assert seen == [{"tags": None}]


def test_prog_name_for_python_dash_m():
    assert ManagementUtility([str(ROOT / "microdj" / "__main__.py")]).prog_name == "python -m microdj"
    assert ManagementUtility(["/usr/bin/microdj"]).prog_name == "microdj"
    assert ManagementUtility([]).prog_name == "microdj"


def test_current_directory_is_importable(monkeypatch, capsys):
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", os.getcwd())])
    execute_from_command_line(["microdj", "version"])
    assert sys.path[0] == os.getcwd()
    capsys.readouterr()


def test_settings_package_without_commands_is_skipped(monkeypatch, override):
    monkeypatch.setattr(settings, "SETTINGS_MODULE", "tests.urls_root")
    override(COMMANDS=[])
    assert set(get_commands()) == BUILTIN


def test_unloadable_settings_leave_the_builtin_commands(monkeypatch, capsys):
    import microdj.core.management as management

    def unloadable():
        raise ImproperlyConfigured("Set MICRODJ_SETTINGS_MODULE.")

    monkeypatch.setattr(management, "project_sources", unloadable)
    monkeypatch.setattr(ManagementUtility, "_settings_problem", staticmethod(lambda: "Set it."))
    assert set(get_commands()) == BUILTIN
    ManagementUtility(["manage.py", "help"]).execute()
    assert capsys.readouterr().out.endswith(
        "Note: only microdj's own commands are listed, because: Set it.\n"
    )
    with pytest.raises(CommandError, match="The project's own commands are not listed: Set it."):
        ManagementUtility(["manage.py", "nosuch"]).execute()
    assert management.package_commands("tests.nowhere") == {}


def test_a_dangling_settings_option_is_left_to_the_command(capsys):
    assert run("version", "--settings") == 2
    assert "argument --settings: expected one argument" in capsys.readouterr().err
