"""runserver for real (127.0.0.1, bounded, self-stopping): banner, requests, port taken, reload on change."""

import io
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from microdj.core.management import call_command
from microdj.core.management.base import CommandError
from microdj.core.management.commands import runserver
from tests.core.management.conftest import PYTHON, get, start, stop, wait_for

BANNER = re.compile(r"Starting development server at http://127\.0\.0\.1:(\d+)/")


def banner_port(log):
    found = BANNER.findall(log.read_text(errors="replace"))
    return int(found[-1]) if found else None


@pytest.fixture
def server(new_project, tmp_path_factory):
    """Start `manage.py runserver` (extra arguments given) in the new project; yield (url, process, log)."""
    started = []

    def run(*args):
        log = tmp_path_factory.mktemp("runserver") / "server.log"
        process = start([PYTHON, "manage.py", "runserver", "127.0.0.1:0", *args], new_project, log)
        started.append(process)
        port = wait_for(lambda: banner_port(log), process, log)
        url = f"http://127.0.0.1:{port}/"
        wait_for(lambda: get(url).status_code == 200, process, log)
        return url, process, log

    yield run
    for process in started:
        stop(process)


def test_banner_and_a_request(server):
    url, process, log = server()
    response = get(url)
    assert response.status_code == 200 and "The install worked." in response.text
    wait_for(lambda: '"GET / HTTP/1.1" 200' in log.read_text(), process, log)
    text = log.read_text()
    assert text.startswith("Watching for file changes with WatchFiles\nPerforming system checks...\n\n")
    assert "System check identified no issues (0 silenced)." in text
    assert "microdj version 0.1.0, using settings 'mysite.settings'" in text
    assert "Quit the server with CONTROL-C." in text
    assert "WARNING: This is a development server." in text
    assert "Uvicorn running" not in text and "Traceback" not in text


def test_port_taken_is_one_line(new_project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}"],
            cwd=new_project,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr == f"Error: That port is already in use. (127.0.0.1:{port})\n"


def test_reloads_on_a_file_change_and_waits_out_a_broken_file(server, new_project):
    url, process, log = server()
    views = new_project / "mysite" / "views.py"
    source = views.read_text()
    views.write_text(source.replace("The install worked.", "Edited and reloaded."))
    wait_for(lambda: "Edited and reloaded." in get(url).text, process, log)
    assert "WatchFiles detected changes in 'mysite/views.py'. Reloading..." in log.read_text()
    views.write_text(source + "\nbroken = (\n")
    wait_for(lambda: "Waiting for a file change to restart." in log.read_text(), process, log)
    assert "Error: SyntaxError: '(' was never closed" in log.read_text()
    views.write_text(source)
    wait_for(lambda: "The install worked." in get(url).text, process, log)
    assert process.poll() is None


def test_noreload(server):
    url, _process, log = server("--noreload", "--skip-checks")
    assert get(url).status_code == 200
    text = log.read_text()
    assert "Watching for file changes" not in text and "Performing system checks" not in text


def test_check_errors_stop_the_server(new_project):
    with (new_project / "mysite" / "settings.py").open("a") as file:
        file.write("\nSYNC_WORKER_THREADS = 0\n")
    done = subprocess.run(
        [PYTHON, "manage.py", "runserver", "127.0.0.1:0", "--noreload"],
        cwd=new_project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("SystemCheckError: System check identified some issues:\n\nERRORS:\n")
    assert "(settings.E001) SYNC_WORKER_THREADS must be 1 or more, not 0." in done.stderr
    assert "Traceback" not in done.stderr


# -- in-process parts --------------------------------------------------------------------------------------


def test_production_settings_need_allowed_hosts(override):
    override(DEBUG=False, ALLOWED_HOSTS=[])
    with pytest.raises(CommandError, match="You must set settings.ALLOWED_HOSTS if DEBUG is False."):
        call_command("runserver")


def test_bad_address(override):
    with pytest.raises(CommandError, match="not a valid port number") as error_info:
        call_command("runserver", "here:there")
    assert error_info.value.returncode == 2


def test_uvicorn_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(CommandError, match=r"pip install 'microdj\[server\]'"):
        call_command("runserver", "127.0.0.1:0")


def _server(**options):
    defaults = {"skip_checks": False, "traceback": False, "reloading": False, "no_color": True}
    return runserver.DevelopmentServer("127.0.0.1", 8000, **{**defaults, **options})


def test_server_process_reports_a_broken_application(monkeypatch, capsys):
    def broken(path=None):
        raise KeyError("missing")

    monkeypatch.setattr(runserver, "load_application", broken)
    _server(skip_checks=True, reloading=True)()
    err = capsys.readouterr().err
    assert "Error: KeyError: 'missing' [at " in err and "Waiting for a file change to restart." in err
    with pytest.raises(SystemExit):
        _server(skip_checks=True)()
    with pytest.raises(KeyError):
        _server(skip_checks=True, traceback=True)()


def test_prepare_prints_the_banner(capsys):
    command = runserver.Command(stdout=io.StringIO(), no_color=True)
    app = _server().prepare(command)
    assert callable(app)
    text = command.stdout.getvalue()
    assert "System check identified no issues" in text and "http://127.0.0.1:8000/" in text


def test_watched_directories(monkeypatch, tmp_path):
    from microdj.conf import settings

    monkeypatch.chdir(tmp_path)
    assert runserver.watched_directories() == [str(tmp_path)]
    monkeypatch.setattr(settings, "SETTINGS_MODULE", "tests.core.management.project.settings")
    root = str(Path(__file__).resolve().parents[4])
    assert runserver.watched_directories() == [str(tmp_path), root]
    monkeypatch.chdir(root)
    assert runserver.watched_directories() == [root]
    monkeypatch.setattr(settings, "SETTINGS_MODULE", "os")  # a top-level module
    assert runserver.watched_directories() == [root, str(Path(os.__file__).resolve().parent)]


def test_handle_binds_then_serves_in_process_or_under_the_reloader(monkeypatch):
    served = []
    monkeypatch.setattr(
        runserver.DevelopmentServer, "__call__", lambda self, sockets=None: served.append((self, sockets))
    )
    out = io.StringIO()
    call_command("runserver", "127.0.0.1:0", use_reloader=False, stdout=out)
    server, sockets = served[0]
    assert server.port > 0 and server.reloading is False and sockets[0].fileno() == -1  # closed after

    import uvicorn.supervisors

    class Reloader:
        reloader_name = "FakeReload"

        def __init__(self, config, target, sockets):
            self.config, self.target, self.sockets = config, target, sockets

        def run(self):
            served.append(self)

    monkeypatch.setattr(uvicorn.supervisors, "ChangeReload", Reloader)
    call_command("runserver", "0", use_ipv6=False, stdout=out)
    reloader = served[1]
    assert reloader.target.reloading is True and reloader.target.host == "127.0.0.1"
    assert reloader.config.reload_dirs and out.getvalue() == "Watching for file changes with FakeReload\n"


def _add_static(new_project):
    (new_project / "static").mkdir()
    (new_project / "static" / "app.css").write_text("body { color: teal }\n")
    with (new_project / "mysite" / "settings.py").open("a") as file:
        file.write('\nSTATICFILES_DIRS = [BASE_DIR / "static"]\n')


def test_static_files_served_with_debug_unless_nostatic(server, new_project):
    _add_static(new_project)
    url, process, _ = server("--noreload")
    response = get(url + "static/app.css")
    assert response.status_code == 200 and response.text == "body { color: teal }\n"
    stop(process)
    url, process, _ = server("--noreload", "--nostatic")
    assert get(url + "static/app.css").status_code == 404


def test_insecure_serves_static_files_without_debug(server, new_project):
    _add_static(new_project)
    with (new_project / "mysite" / "settings.py").open("a") as file:
        file.write('\nDEBUG = False\nALLOWED_HOSTS = ["127.0.0.1"]\n')
    url, process, _ = server("--noreload", "--insecure")
    assert get(url + "static/app.css").status_code == 200
    stop(process)
    url, process, _ = server("--noreload")
    assert get(url + "static/app.css").status_code == 404
