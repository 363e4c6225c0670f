"""Cookie parsing for requests (``parse_cookie``) and the ``SimpleCookie`` used by responses."""

from __future__ import annotations

from http import cookies

__all__ = ["SimpleCookie", "parse_cookie"]

SimpleCookie = cookies.SimpleCookie

# PERF: bound once; parse_cookie() runs for every request that reads COOKIES.
_unquote = cookies._unquote


def parse_cookie(cookie: str) -> dict[str, str]:
    """Return the name -> value dict of a ``Cookie:`` header, leniently, as browsers send it.

    Pairs are split on ";". A chunk without "=" is a value with an empty name (as Firefox does); values
    are unquoted as ``http.cookies`` does. Later duplicates win.
    """
    result: dict[str, str] = {}
    for chunk in cookie.split(";"):
        key, sep, value = chunk.partition("=")
        if not sep:
            key, value = "", chunk
        key = key.strip()
        value = value.strip()
        if key or value:
            # PERF: only quoted values or values with backslash escapes need the stdlib unquoting.
            result[key] = _unquote(value) if value[:1] == '"' else value
    return result
