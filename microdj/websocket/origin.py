"""The Origin check that stops cross-site WebSocket hijacking.

Browsers send cookies with a WebSocket handshake whatever page opened it, and the same-origin policy does
not apply to WebSockets; so a page on another site could talk to a consumer as the logged-in user. The
handshake's ``Origin`` header names the page's site: it must be allowed by ``WEBSOCKET_ALLOWED_ORIGINS``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured
from microdj.http.hosts import split_domain_port, validate_host

__all__ = ["origin_allowed"]

# What ALLOWED_HOSTS means with DEBUG on and the setting empty (as for the Host check).
_DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]
_DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}


def _parse(origin: str) -> tuple[str, str, str] | None:
    """(scheme, domain, port) of a serialized origin such as ``https://example.com:8443``; None if invalid."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.netloc or parts.path not in ("", "/"):
        return None
    domain, port = split_domain_port(parts.netloc)
    if not domain:
        return None
    return scheme, domain, port or _DEFAULT_PORTS[scheme]


def origin_allowed(origin: str | None, host: str) -> bool:
    """Whether a handshake from ``origin`` (the Origin header) to ``host`` (its Host) may proceed.

    No Origin header: allowed (browsers always send one). Otherwise with ``WEBSOCKET_ALLOWED_ORIGINS``
    None the origin's domain must be the handshake's own or one ``ALLOWED_HOSTS`` names (``"*"`` does not
    count); with a list, an entry must match: ``"*"``, a full origin (``"https://example.com"``, port
    included) or a domain pattern as in ALLOWED_HOSTS (``"example.com"``, ``".example.com"``).
    """
    if origin is None:
        return True
    allowed = settings.WEBSOCKET_ALLOWED_ORIGINS
    if allowed is not None and not isinstance(allowed, list | tuple):
        raise ImproperlyConfigured(
            f"The WEBSOCKET_ALLOWED_ORIGINS setting must be a list of origins or None, not {allowed!r}."
        )
    if allowed is not None and "*" in allowed:
        return True
    parsed = _parse(origin.strip())
    if parsed is None:
        return False  # "null" (sandboxed pages, file: URLs) and anything malformed
    scheme, domain, port = parsed
    if allowed is None:
        own, _port = split_domain_port(host)
        if own and domain == own:
            return True
        hosts = settings.ALLOWED_HOSTS
        if settings.DEBUG and not hosts:
            hosts = _DEBUG_HOSTS
        return validate_host(domain, [pattern for pattern in hosts if pattern != "*"])
    for entry in allowed:
        if "://" in entry:
            wanted = _parse(entry)
            if wanted is not None and wanted == (scheme, domain, port):
                return True
        elif validate_host(domain, [entry.lower()]):
            return True
    return False
