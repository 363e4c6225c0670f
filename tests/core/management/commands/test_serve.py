"""serve: the server command lines, the deployment checks first, and each server for real with 2 workers."""

import io
import os
import shlex
import socket
import subprocess
import sys

import pytest

from microdj.core.management import call_command
from microdj.core.management.base import CommandError, SystemCheckError
from microdj.core.management.commands import serve
from tests.core.management.conftest import PYTHON, free_port, get, project_env, start, stop, wait_for


def dry_run(*args, **options):
    out = io.StringIO()
    call_command("serve", *args, dry_run=True, stdout=out, **options)
    return shlex.split(out.getvalue())


def test_uvicorn_command_line(override):
    override(ASGI_APPLICATION=None)
    assert dry_run("0.0.0.0:9000", server="uvicorn", workers=3) == [
        sys.executable, "-m", "uvicorn", "--host", "0.0.0.0", "--port", "9000", "--workers", "3",
        "--timeout-graceful-shutdown", "30", "--no-server-header", "--no-proxy-headers",
        "--factory", "microdj.core.asgi:get_asgi_application",
    ]  # fmt: skip
    line = dry_run(server="uvicorn", workers=1, proxy_headers=True, forwarded_allow_ips="10.0.0.1")
    assert line[-5:] == [
        "--proxy-headers", "--forwarded-allow-ips", "10.0.0.1",
        "--factory", "microdj.core.asgi:get_asgi_application",
    ]  # fmt: skip


def test_gunicorn_command_line(override):
    override(ASGI_APPLICATION="mysite.asgi.application")
    assert dry_run("8001", server="gunicorn", workers=2, graceful_timeout=5) == [
        sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:8001", "--workers", "2",
        "--worker-class", "microdj.core.management.gunicorn_worker.NoProxyHeadersWorker",
        "--graceful-timeout", "5", "--forwarded-allow-ips", "127.0.0.1", "mysite.asgi:application",
    ]  # fmt: skip
    assert "uvicorn_worker.UvicornWorker" in dry_run("[::1]:8001", server="gunicorn", proxy_headers=True)
    assert "[::1]:8001" in dry_run("[::1]:8001", server="gunicorn")
    assert dry_run(server="gunicorn", app="")[-1] == "mysite.asgi:application"
    override(ASGI_APPLICATION=None)
    assert dry_run(server="gunicorn")[-1] == "microdj.core.asgi:get_asgi_application()"


def test_granian_command_line(override):
    override(ASGI_APPLICATION=None)
    line = dry_run(server="granian", workers=4, app="mysite.asgi:application")
    assert line == [
        sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", "8000",
        "--workers", "4", "--workers-kill-timeout", "30", "--respawn-failed-workers",
        "mysite.asgi:application",
    ]  # fmt: skip
    assert dry_run(server="granian")[-2:] == ["--factory", "microdj.core.asgi:get_asgi_application"]
    with pytest.raises(CommandError, match="granian does not read proxy headers"):
        dry_run(server="granian", proxy_headers=True)


def test_defaults(monkeypatch):
    assert serve.default_workers() == len(os.sched_getaffinity(0))
    assert f"--workers {serve.default_workers()} " in shlex.join(dry_run(server="uvicorn"))
    monkeypatch.setattr(serve, "installed", lambda module: module != "granian")
    assert serve.pick_server("auto") == "uvicorn"
    monkeypatch.setattr(serve, "installed", lambda module: True)
    assert serve.pick_server("auto") == "granian"


def test_missing_server_names_the_extra(monkeypatch):
    monkeypatch.setattr(serve, "installed", lambda module: module != "uvicorn_worker")
    with pytest.raises(CommandError, match=r"needs uvicorn_worker: pip install 'microdj\[gunicorn\]'"):
        serve.pick_server("gunicorn")


def test_workers_must_be_positive():
    with pytest.raises(CommandError, match="--workers must be 1 or more"):
        dry_run(server="uvicorn", workers=-1)


def test_deployment_check_errors_stop_it(monkeypatch):
    monkeypatch.setenv("MICRODJ_ALLOW_ASYNC_UNSAFE", "1")
    with pytest.raises(SystemCheckError, match="async.E001"):
        call_command("serve", server="uvicorn", dry_run=True, skip_checks=False, stderr=io.StringIO())
    monkeypatch.delenv("MICRODJ_ALLOW_ASYNC_UNSAFE")
    err = io.StringIO()
    call_command("serve", server="uvicorn", dry_run=True, skip_checks=False, stdout=io.StringIO(), stderr=err)
    assert "(security.W009)" in err.getvalue()  # shown, not stopping it


def test_runs_the_server_in_its_place(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append((path, argv)))
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    out = io.StringIO()
    call_command("serve", f"127.0.0.1:{free_port()}", server="uvicorn", workers=1, stdout=out)
    assert calls and calls[0][0] == sys.executable and calls[0][1][:3] == [sys.executable, "-m", "uvicorn"]
    assert out.getvalue().startswith("Starting uvicorn with 1 worker(s) on 127.0.0.1:")
    assert os.environ["PYTHONPATH"] == os.pathsep.join([os.getcwd(), "/elsewhere"])


def test_port_taken_is_one_line(new_project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [PYTHON, "manage.py", "serve", f"127.0.0.1:{port}", "--server", "uvicorn", "--skip-checks"],
            cwd=new_project,
            env=project_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr == f"Error: That port is already in use. (127.0.0.1:{port})\n"


@pytest.mark.parametrize("server", ["uvicorn", "gunicorn", "granian"])
def test_each_server_serves_the_project(new_project, tmp_path_factory, server):
    port = free_port()
    log = tmp_path_factory.mktemp(f"serve-{server}") / "server.log"
    command = [PYTHON, "manage.py", "serve", f"127.0.0.1:{port}", "--server", server, "--workers", "2"]
    process = start(command, new_project, log)
    try:
        response = wait_for(lambda: get(f"http://127.0.0.1:{port}/"), process, log, timeout=60)
        assert response.status_code == 200 and "The install worked." in response.text
        # The deployment checks ran first: their warnings are shown, they do not stop a start.
        assert "(security.W018) DEBUG must not be True in deployment." in log.read_text()
    finally:
        stop(process)
    assert process.returncode is not None
