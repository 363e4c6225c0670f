"""shell: settings loaded; -c, code on stdin, the plain and IPython shells."""

import builtins
import code
import io
import subprocess
import sys

import pytest

from microdj.core.management import call_command
from microdj.core.management.base import CommandError
from microdj.core.management.commands import shell
from tests.core.management.conftest import PYTHON, project_env


def test_command_option(capsys):
    call_command("shell", command="print(settings.ROOT_URLCONF)")
    assert capsys.readouterr().out == "tests.urls_root\n"


def test_code_on_stdin(new_project):
    done = subprocess.run(
        [PYTHON, "manage.py", "shell"],
        cwd=new_project,
        env=project_env(),
        input="print(settings.ROOT_URLCONF, settings.DEBUG)\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, "mysite.urls True\n")


class TTY(io.StringIO):
    def isatty(self):
        return True


def test_plain_shell_with_startup_file(monkeypatch, tmp_path):
    startup = tmp_path / "startup.py"
    startup.write_text("started = True\n")
    monkeypatch.setenv("PYTHONSTARTUP", str(startup))
    monkeypatch.setattr(sys, "stdin", TTY())
    seen = []
    monkeypatch.setattr(code, "interact", lambda local: seen.append(local))
    call_command("shell", interface="python")
    assert seen[0]["started"] is True and "settings" in seen[0]
    call_command("shell", interface="python", no_startup=True)
    assert "started" not in seen[1]


def test_ipython_when_asked(monkeypatch):
    monkeypatch.setattr(sys, "stdin", TTY())
    real_find_spec = shell.importlib.util.find_spec
    monkeypatch.setattr(
        shell.importlib.util, "find_spec", lambda name: None if name == "IPython" else real_find_spec(name)
    )
    with pytest.raises(CommandError, match="IPython is not installed"):
        call_command("shell", interface="ipython")
    seen = []
    monkeypatch.setattr(code, "interact", lambda local: seen.append("python"))
    call_command("shell")
    assert seen == ["python"]


def test_ipython_is_started_with_the_namespace(monkeypatch):
    import types

    started = []
    fake = types.ModuleType("IPython")
    fake.start_ipython = lambda argv, user_ns: started.append(user_ns)
    monkeypatch.setitem(sys.modules, "IPython", fake)
    monkeypatch.setattr(sys, "stdin", TTY())
    monkeypatch.setattr(shell.importlib.util, "find_spec", lambda name: object())
    call_command("shell")
    assert "settings" in started[0]
    assert builtins  # the shell leaves builtins alone


def test_code_from_a_pipe_in_process(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("print(settings.SECRET_KEY)\n"))
    call_command("shell")
    assert capsys.readouterr().out == "test-secret-key\n"
