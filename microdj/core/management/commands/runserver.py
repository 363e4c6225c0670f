"""``runserver [ADDR:]PORT``: the development server, on uvicorn, restarted when a source file changes."""

from __future__ import annotations

import os
import socket
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import microdj
from microdj.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    SystemCheckError,
    error_line,
)
from microdj.core.management.servers import bind_socket, display_url, load_application, log_config, where
from microdj.core.management.utils import parse_addrport

DEFAULT_ADDR = "127.0.0.1"
DEFAULT_PORT = 8000


def _import_uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError:
        raise CommandError(
            "runserver needs uvicorn: pip install 'microdj[server]' (uvicorn, and watchfiles for reloading)."
        ) from None
    return uvicorn


class DevelopmentServer:
    """The server process: checks, banner, then uvicorn on the sockets the parent bound.

    It is pickled into each fresh process the reloader starts, so it holds only plain options.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        skip_checks: bool,
        traceback: bool,
        reloading: bool,
        no_color: bool,
        static: bool | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.skip_checks = skip_checks
        self.traceback = traceback
        self.reloading = reloading
        self.no_color = no_color
        # Serve STATIC_URL from STATICFILES_DIRS: True (--insecure), False (--nostatic), None: with DEBUG.
        self.static = static

    def __call__(self, sockets: list[socket.socket] | None = None) -> None:
        """Serve until stopped; a problem is printed and, with the reloader, waits for a file change."""
        command = Command(no_color=self.no_color)
        try:
            app = self.prepare(command)
        except Exception as error:
            if self.traceback:
                raise
            plain = isinstance(error, SystemCheckError | CommandError | SyntaxError)
            command.stderr.write(error_line(error, "" if plain else where(error)))
            if self.reloading:
                command.stderr.write("Waiting for a file change to restart.")
                return
            raise SystemExit(1) from None
        uvicorn = _import_uvicorn()
        config = uvicorn.Config(
            app, log_config=log_config(), proxy_headers=False, server_header=False, lifespan="auto"
        )
        uvicorn.Server(config).run(sockets=sockets)

    def prepare(self, command: BaseCommand) -> Any:
        """Run the checks, load the application and print the banner; return the application."""
        from microdj.conf import settings

        if not self.skip_checks:
            command.stdout.write("Performing system checks...\n\n")
            command.check(display_num_errors=True)
        app = load_application()
        serve_static = settings.DEBUG if self.static is None else self.static
        if serve_static and settings.STATIC_URL:
            from microdj.contrib.staticfiles.handlers import ASGIStaticFilesHandler

            app = ASGIStaticFilesHandler(app, use_finders=True)
        now = datetime.now().strftime("%B %d, %Y - %X")
        command.stdout.write(
            f"{now}\n"
            f"microdj version {microdj.__version__}, using settings {settings.SETTINGS_MODULE!r}\n"
            f"Starting development server at {display_url(self.host, self.port)}\n"
            "Quit the server with CONTROL-C.\n\n"
            + command.style.WARNING(
                "WARNING: This is a development server. Do not use it in production: run "
                "'manage.py serve' or an ASGI server (uvicorn, granian, hypercorn) on your asgi.py."
            )
        )
        command.stdout.flush()
        return app


class Command(BaseCommand):
    help = (
        "Starts a development server (uvicorn) on 127.0.0.1:8000 or [ADDR:]PORT, restarted when a source "
        "file changes."
    )
    # The checks run in the server process, after each restart.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", help="Port number or ipaddr:port (port 0: a free port).")
        parser.add_argument("--ipv6", "-6", action="store_true", dest="use_ipv6", help="Listen on ::1.")
        parser.add_argument(
            "--noreload",
            action="store_false",
            dest="use_reloader",
            help="Do not restart the server when a source file changes.",
        )
        parser.add_argument("--skip-checks", action="store_true", help="Skip the system checks.")
        parser.add_argument(
            "--nostatic", action="store_true", help="Do not serve STATIC_URL from STATICFILES_DIRS."
        )
        parser.add_argument(
            "--insecure",
            action="store_true",
            help="Serve STATIC_URL from STATICFILES_DIRS even without DEBUG.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from microdj.conf import settings

        if not settings.DEBUG and not settings.ALLOWED_HOSTS:
            raise CommandError("You must set settings.ALLOWED_HOSTS if DEBUG is False.")
        default_addr = "::1" if options["use_ipv6"] else DEFAULT_ADDR
        host, port = parse_addrport(options["addrport"] or str(DEFAULT_PORT), default_addr)
        uvicorn = _import_uvicorn()
        sock = bind_socket(host, port)
        server = DevelopmentServer(
            host,
            sock.getsockname()[1],
            skip_checks=options["skip_checks"],
            traceback=options["traceback"],
            reloading=options["use_reloader"],
            no_color=options["no_color"],
            static=False if options["nostatic"] else (True if options["insecure"] else None),
        )
        try:
            if options["use_reloader"]:
                self.run_with_reloader(uvicorn, server, sock)
            else:
                server(sockets=[sock])
        finally:
            sock.close()

    def run_with_reloader(self, uvicorn: Any, server: DevelopmentServer, sock: socket.socket) -> None:
        """Serve from a child process that the reloader replaces whenever a watched file changes."""
        from uvicorn.supervisors import ChangeReload

        config = uvicorn.Config(
            "microdj.core.asgi:get_asgi_application",
            reload=True,
            reload_dirs=watched_directories(),
            log_config=log_config(),
        )
        supervisor = ChangeReload(config, target=server, sockets=[sock])
        self.stdout.write(f"Watching for file changes with {supervisor.reloader_name}")
        self.stdout.flush()
        supervisor.run()


def watched_directories() -> list[str]:
    """The current directory, and the directory holding the settings module's top package if elsewhere."""
    from microdj.conf import settings

    directories = [os.getcwd()]
    module = sys.modules.get((settings.SETTINGS_MODULE or "").partition(".")[0])
    paths = list(getattr(module, "__path__", ()))
    location = paths[0] if paths else getattr(module, "__file__", None)
    if location:
        top = str(Path(location).resolve().parent)
        if not any(top == d or top.startswith(d + os.sep) for d in directories):
            directories.append(top)
    return directories
