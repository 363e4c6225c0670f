"""``serve [ADDR:]PORT``: the production server, one worker process per core, on granian, uvicorn or gunicorn.

The command checks the project (deployment checks included; errors stop it), then replaces itself with the
server process, so signals (SIGTERM for a graceful stop) reach the server directly.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import sys
from typing import Any

from microdj.core.management.base import BaseCommand, CommandError, CommandParser
from microdj.core.management.servers import bind_socket
from microdj.core.management.utils import parse_addrport

SERVERS = ("granian", "uvicorn", "gunicorn")
FACTORY = "microdj.core.asgi:get_asgi_application"


def default_workers() -> int:
    """The number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def installed(module: str) -> bool:
    """True when ``module`` can be imported."""
    return importlib.util.find_spec(module) is not None


def pick_server(name: str) -> str:
    """The server to run: ``name``, or with "auto" granian when installed, else uvicorn."""
    if name == "auto":
        name = "granian" if installed("granian") else "uvicorn"
    needs = {"granian": ["granian"], "uvicorn": ["uvicorn"], "gunicorn": ["gunicorn", "uvicorn_worker"]}[name]
    missing = [m for m in needs if not installed(m)]
    if missing:
        extra = {"granian": "granian", "uvicorn": "server", "gunicorn": "gunicorn"}[name]
        raise CommandError(
            f"serve --server {name} needs {' and '.join(missing)}: pip install 'microdj[{extra}]'."
        )
    return name


def application_target(path: str | None) -> tuple[str, bool]:
    """``module:attribute`` for the server, and whether it is a factory to call."""
    if not path:
        return FACTORY, True
    if ":" not in path:
        module, _, attribute = path.rpartition(".")
        path = f"{module}:{attribute}"
    return path, False


def server_command(
    server: str,
    target: str,
    factory: bool,
    *,
    host: str,
    port: int,
    workers: int,
    graceful_timeout: int,
    proxy_headers: bool,
    forwarded_allow_ips: str,
) -> list[str]:
    """The command line that starts ``server`` on ``target``."""
    python = [sys.executable, "-m", server]
    if server == "granian":
        if proxy_headers:
            raise CommandError("granian does not read proxy headers; use --server uvicorn or gunicorn.")
        command = [
            *python,
            "--interface",
            "asgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--workers-kill-timeout",
            str(graceful_timeout),
            "--respawn-failed-workers",
        ]
        return [*command, "--factory", target] if factory else [*command, target]
    if server == "uvicorn":
        command = [
            *python,
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--timeout-graceful-shutdown",
            str(graceful_timeout),
            "--no-server-header",
        ]
        if proxy_headers:
            command += ["--proxy-headers", "--forwarded-allow-ips", forwarded_allow_ips]
        else:
            command.append("--no-proxy-headers")
        return [*command, "--factory", target] if factory else [*command, target]
    worker = (
        "uvicorn_worker.UvicornWorker"
        if proxy_headers
        else "microdj.core.management.gunicorn_worker.NoProxyHeadersWorker"
    )
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    command = [
        *python,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        worker,
        "--graceful-timeout",
        str(graceful_timeout),
        "--forwarded-allow-ips",
        forwarded_allow_ips,
    ]
    return [*command, f"{target}()" if factory else target]


class Command(BaseCommand):
    help = (
        "Starts the production server: one worker process per CPU on granian (if installed), uvicorn or "
        "gunicorn with uvicorn workers, after the deployment checks."
    )
    # The checks, deployment ones included, run in handle().
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport", nargs="?", help="Port number or ipaddr:port (default 127.0.0.1:8000)."
        )
        parser.add_argument("--server", choices=("auto", *SERVERS), default="auto", help="Server to run.")
        parser.add_argument("--workers", "-w", type=int, help="Worker processes (default: one per CPU).")
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=30,
            help="Seconds a stopping worker may take to finish its requests (default 30).",
        )
        parser.add_argument(
            "--proxy-headers",
            action="store_true",
            help="Trust X-Forwarded-For/-Proto from --forwarded-allow-ips (only behind your own proxy).",
        )
        parser.add_argument(
            "--forwarded-allow-ips",
            default="127.0.0.1",
            help="Proxy addresses whose X-Forwarded-* headers are trusted (default 127.0.0.1).",
        )
        parser.add_argument("--skip-checks", action="store_true", help="Skip the system checks.")
        parser.add_argument("--app", help="module:attribute of the application (default: ASGI_APPLICATION).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the server's command line instead of running it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from microdj.conf import settings

        if not options["skip_checks"]:
            self.check(include_deployment_checks=True)
        host, port = parse_addrport(options["addrport"] or "8000")
        workers = options["workers"] or default_workers()
        if workers < 1:
            raise CommandError("--workers must be 1 or more.", returncode=2)
        server = pick_server(options["server"])
        target, factory = application_target(options["app"] or settings.ASGI_APPLICATION)
        command = server_command(
            server,
            target,
            factory,
            host=host,
            port=port,
            workers=workers,
            graceful_timeout=options["graceful_timeout"],
            proxy_headers=options["proxy_headers"],
            forwarded_allow_ips=options["forwarded_allow_ips"],
        )
        if options["dry_run"]:
            self.stdout.write(shlex.join(command))
            return
        bind_socket(host, port).close()  # a taken port ends here, with one line
        self.stdout.write(
            f"Starting {server} with {workers} worker(s) on {host}:{port}: {shlex.join(command)}"
        )
        self.stdout.flush()
        self.stderr.flush()
        os.environ.setdefault("PYTHONPATH", "")
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (os.getcwd(), os.environ["PYTHONPATH"]) if p)
        os.execv(sys.executable, command)  # noqa: S606 - the server takes over this process
