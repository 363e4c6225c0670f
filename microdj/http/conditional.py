"""Conditional requests (RFC 9110 section 13): comparing entity-tags and evaluating preconditions.

The one implementation behind ``ConditionalGetMiddleware``, the ``condition()`` family of view decorators
and ``FileResponse``:

- ``If-Match`` and ``If-Range`` use the strong comparison: both tags strong and equal (13.1.1, 13.1.5).
- ``If-None-Match`` uses the weak comparison: the opaque tags equal, ``W/`` ignored (13.1.2).
- The preconditions are evaluated in the order of section 13.2.2: ``If-Match``, else
  ``If-Unmodified-Since`` (412 when it fails); then ``If-None-Match``, else ``If-Modified-Since`` for GET
  and HEAD (304 for GET/HEAD, 412 otherwise). ``If-Range`` is left to the range code (``if_range_holds``).
- As in Django: a header with no valid entity-tag counts as absent, and a time of 0 (a ``Last-Modified``
  or a header date at the epoch) as no time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microdj.utils.http import parse_etags, parse_http_date_safe

__all__ = [
    "NOT_MODIFIED",
    "NOT_MODIFIED_HEADERS",
    "PRECONDITION_FAILED",
    "if_range_holds",
    "precondition_status",
    "strong_match",
    "weak_match",
]

#: The headers a 304 keeps from the 2xx it replaces (RFC 9110 section 15.4.5, plus Last-Modified).
NOT_MODIFIED_HEADERS = (
    "Cache-Control",
    "Content-Location",
    "Date",
    "ETag",
    "Expires",
    "Last-Modified",
    "Vary",
)

NOT_MODIFIED = 304
PRECONDITION_FAILED = 412

_SAFE_METHODS = frozenset({"GET", "HEAD"})


def strong_match(a: str, b: str) -> bool:
    """RFC 9110 8.8.3.2 strong comparison: neither tag weak, and the two equal."""
    return a == b and not a.startswith("W/")


def weak_match(a: str, b: str) -> bool:
    """RFC 9110 8.8.3.2 weak comparison: the opaque tags equal, either or both tags may be weak."""
    return a.removeprefix("W/") == b.removeprefix("W/")


def _if_match_passes(etag: str | None, tags: list[str]) -> bool:
    if not etag:
        return False
    # Any current representation matches "*", even one with a weak tag.
    return tags == ["*"] or any(strong_match(etag, tag) for tag in tags)


def _if_none_match_passes(etag: str | None, tags: list[str]) -> bool:
    if not etag:
        return True
    return tags != ["*"] and not any(weak_match(etag, tag) for tag in tags)


def _date(value: str | None) -> int | None:
    return (value and parse_http_date_safe(value)) or None


def precondition_status(
    meta: Mapping[str, Any], method: str, etag: str | None, last_modified: int | None
) -> int | None:
    """The status the request's preconditions (``META``) ask for: 412, 304, or None to go on.

    ``etag`` is the quoted entity-tag and ``last_modified`` the timestamp of the current representation.
    """
    last_modified = last_modified or None
    if_match = parse_etags(meta.get("HTTP_IF_MATCH", ""))
    if if_match:
        if not _if_match_passes(etag, if_match):
            return PRECONDITION_FAILED
    elif (since := _date(meta.get("HTTP_IF_UNMODIFIED_SINCE"))) is not None and (
        last_modified is None or last_modified > since
    ):
        return PRECONDITION_FAILED
    if_none_match = parse_etags(meta.get("HTTP_IF_NONE_MATCH", ""))
    if if_none_match:
        if not _if_none_match_passes(etag, if_none_match):
            return NOT_MODIFIED if method in _SAFE_METHODS else PRECONDITION_FAILED
    elif (
        method in _SAFE_METHODS
        and (since := _date(meta.get("HTTP_IF_MODIFIED_SINCE"))) is not None
        and last_modified is not None
        and last_modified <= since
    ):
        return NOT_MODIFIED
    return None


def if_range_holds(value: str, etag: str | None, last_modified: int | None) -> bool:
    """Does an ``If-Range`` value still describe the representation (so that ``Range`` applies)? 13.1.5.

    An entity-tag must match strongly; a date must equal the Last-Modified time exactly.
    """
    value = value.strip()
    if value.startswith(('"', "W/")):
        return etag is not None and strong_match(value, etag)
    moment = parse_http_date_safe(value)
    return moment is not None and moment == last_modified
