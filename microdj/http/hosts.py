"""Validating the ``Host`` a request names against ``ALLOWED_HOSTS``."""

from __future__ import annotations

import re
from typing import Any

from microdj.conf import settings
from microdj.core.exceptions import DisallowedHost
from microdj.utils.http import is_same_domain

HOST_RE = re.compile(r"([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?")
_DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]


def split_domain_port(host: str) -> tuple[str, str]:
    """Return (lower-cased domain without trailing dot, port); the domain is "" for an invalid host."""
    match = HOST_RE.fullmatch(host.lower())
    if match is None:
        return "", ""
    domain, port = match.groups(default="")
    return domain.removesuffix("."), port


def validate_host(host: str, allowed_hosts: list[str] | tuple[str, ...]) -> bool:
    """True if ``host`` (lower-case, no port) matches an ALLOWED_HOSTS pattern."""
    return any(pattern == "*" or is_same_domain(host, pattern) for pattern in allowed_hosts)


# PERF: the host check runs on every request; remember verdicts for the hosts seen (bounded, reset when
# ALLOWED_HOSTS or DEBUG changes).
_host_verdicts: dict[str, str] = {}
_HOST_CACHE_SIZE = 256


def _reset_host_cache(name: str, value: Any) -> None:
    if name in ("ALLOWED_HOSTS", "DEBUG"):
        _host_verdicts.clear()


settings.add_listener(_reset_host_cache)


def check_host(host: str) -> None:
    """Raise DisallowedHost unless ``host`` is allowed by ALLOWED_HOSTS (DEBUG adds localhost)."""
    verdict = _host_verdicts.get(host)
    if verdict is None:
        allowed = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed:
            allowed = _DEBUG_HOSTS
        domain, _port = split_domain_port(host)
        if domain and validate_host(domain, allowed):
            verdict = ""
        elif domain:
            verdict = f"Invalid HTTP_HOST header: {host!r}. You may need to add {domain!r} to ALLOWED_HOSTS."
        else:
            verdict = (
                f"Invalid HTTP_HOST header: {host!r}. "
                "The domain name provided is not valid according to RFC 1034/1035."
            )
        if len(_host_verdicts) >= _HOST_CACHE_SIZE:
            _host_verdicts.clear()
        _host_verdicts[host] = verdict
    if verdict:
        raise DisallowedHost(verdict)
