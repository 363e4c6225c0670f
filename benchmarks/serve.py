"""Serve one benchmark application with one uvicorn worker on an inherited, already-bound TCP socket.

``python -m benchmarks.serve SLUG VARIANT --fd N`` is ``uvicorn --fd N --loop uvloop --http httptools
--log-level warning --no-access-log`` for the application ``benchmarks.apps`` builds, with one difference:
uvicorn's ``--fd`` wraps the descriptor as an AF_UNIX socket, so uvloop serves TCP connections as pipes
without TCP_NODELAY and every keep-alive response stalls ~40 ms on Nagle/delayed ACK. Here the socket is
re-created with its real family and handed to ``uvicorn.Server.run(sockets=...)``.
"""

from __future__ import annotations

import argparse
import socket

import uvicorn

from benchmarks.apps import BY_SLUG


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve")
    parser.add_argument("slug", choices=sorted(BY_SLUG))
    parser.add_argument("variant", nargs="?", default="")
    parser.add_argument("--fd", type=int, required=True, help="listening socket inherited from the parent")
    args = parser.parse_args(argv)
    app = BY_SLUG[args.slug].build(args.variant)
    sock = socket.socket(fileno=args.fd)  # family and type detected from the descriptor: AF_INET
    config = uvicorn.Config(app, loop="uvloop", http="httptools", log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
