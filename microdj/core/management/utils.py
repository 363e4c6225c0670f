"""Helpers for commands: a fresh secret key, parsing ``[ADDR:]PORT``, whether a port is taken."""

from __future__ import annotations

import re
import secrets
import string

from microdj.core.management.base import CommandError

_KEY_CHARS = string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)"
_ADDRPORT = re.compile(r"^(?:(?P<addr>\[[0-9a-fA-F:.]+\]|[^:\[\]]+):)?(?P<port>\d+)$")


def get_random_secret_key(length: int = 50) -> str:
    """A random key for SECRET_KEY, from a cryptographically secure source."""
    return "".join(secrets.choice(_KEY_CHARS) for _ in range(length))


def parse_addrport(value: str, default_addr: str = "127.0.0.1") -> tuple[str, int]:
    """``"8000"``, ``"0.0.0.0:8000"``, ``"[::1]:8000"`` or ``"localhost:8000"`` to ``(host, port)``.

    Port 0 asks the system for a free port.
    """
    found = _ADDRPORT.match(value)
    if found is None:
        raise CommandError(f"'{value}' is not a valid port number or address:port pair.", returncode=2)
    port = int(found["port"])
    if port > 65535:
        raise CommandError(f"Port {port} is out of range (0-65535; 0 picks a free one).", returncode=2)
    addr = found["addr"] or default_addr
    if addr == "0":  # as Django: "0:8000" means every IPv4 interface
        addr = "0.0.0.0"  # noqa: S104 - asked for: "0" means every interface
    return addr.strip("[]"), port
