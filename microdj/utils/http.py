"""HTTP helpers (dates, ETags, query strings, safe redirects, header params), as ``django.utils.http``."""

from __future__ import annotations

import base64
import codecs
import re
import unicodedata
from binascii import Error as BinasciiError
from collections.abc import Iterable
from datetime import UTC, datetime
from email.message import Message
from email.utils import collapse_rfc2231_value, formatdate
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit
from urllib.parse import urlencode as _stdlib_urlencode

from microdj.utils.datastructures import MultiValueDict

__all__ = [
    "ETAG_MATCH",
    "MAX_URL_LENGTH",
    "MAX_URL_REDIRECT_LENGTH",
    "base36_to_int",
    "content_disposition_header",
    "escape_leading_slashes",
    "http_date",
    "int_to_base36",
    "is_same_domain",
    "parse_etags",
    "parse_header_parameters",
    "parse_http_date",
    "parse_http_date_safe",
    "quote_etag",
    "url_has_allowed_host_and_scheme",
    "urlencode",
    "urlsafe_base64_decode",
    "urlsafe_base64_encode",
]

# An entity tag (RFC 9110 section 8.8.3): optional weak marker, then a quoted string without quotes inside.
ETAG_MATCH = re.compile(r'\A((?:W/)?"[^"]*")\Z')

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAY = r"(?P<day>[0-9]{2})"
_DAY_PADDED = r"(?P<day>[ 0-9][0-9])"
_MONTH = r"(?P<mon>\w{3})"
_YEAR = r"(?P<year>[0-9]{4})"
_YEAR2 = r"(?P<year>[0-9]{2})"
_TIME = r"(?P<hour>[0-9]{2}):(?P<min>[0-9]{2}):(?P<sec>[0-9]{2})"
# The three date formats of RFC 9110 section 5.6.7.
RFC1123_DATE = re.compile(rf"^\w{{3}}, {_DAY} {_MONTH} {_YEAR} {_TIME} GMT$")
RFC850_DATE = re.compile(rf"^\w{{6,9}}, {_DAY}-{_MONTH}-{_YEAR2} {_TIME} GMT$")
ASCTIME_DATE = re.compile(rf"^\w{{3}} {_MONTH} {_DAY_PADDED} {_TIME} {_YEAR}$")

RFC3986_GENDELIMS = ":/?#[]@"
RFC3986_SUBDELIMS = "!$&'()*+,;="
# URLs longer than this are never considered safe redirect targets (urlsplit() is slow on huge input).
MAX_URL_LENGTH = 2048
# Redirect responses refuse Location URLs longer than this.
MAX_URL_REDIRECT_LENGTH = 16384

_BASE36_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# RFC 9110 quoted-string characters: tab, space and 0x21-0x7e.
_QUOTABLE = re.compile(r"^[\t \x21-\x7e]*$")


def _none_error(key: Any) -> TypeError:
    return TypeError(
        f"Cannot encode None for key '{key}' in a query string. Did you mean to pass an empty string or "
        "omit the value?"
    )


def urlencode(query: Any, doseq: bool = False) -> str:
    """Like ``urllib.parse.urlencode()``, but accepting MultiValueDicts and non-string values; None raises."""
    if isinstance(query, MultiValueDict):
        query = query.lists()
    elif hasattr(query, "items"):
        query = query.items()
    params: list[tuple[Any, Any]] = []
    for key, value in query:
        if value is None:
            raise _none_error(key)
        if not doseq or isinstance(value, (str, bytes)):
            params.append((key, value))
            continue
        try:
            items = iter(value)
        except TypeError:
            params.append((key, value))
            continue
        # Iterators and generators are consumed here, so the stdlib sees a list (bpo-31706).
        values: list[Any] = []
        for item in items:
            if item is None:
                raise _none_error(key)
            values.append(item if isinstance(item, bytes) else str(item))
        params.append((key, values))
    return _stdlib_urlencode(params, doseq)


def http_date(epoch_seconds: float | None = None) -> str:
    """Format a POSIX timestamp (default: now) as an HTTP date, e.g. 'Wed, 21 Oct 2015 07:28:00 GMT'."""
    return formatdate(epoch_seconds, usegmt=True)


def parse_http_date(date: str) -> int:
    """Parse an HTTP date in any of the three RFC 9110 formats; return seconds since the epoch (UTC)."""
    for regex in (RFC1123_DATE, RFC850_DATE, ASCTIME_DATE):
        match = regex.match(date)
        if match is not None:
            break
    else:
        raise ValueError(f"{date!r} is not in a valid HTTP date format")
    try:
        year = int(match["year"])
        if year < 100:
            # Two-digit years more than 50 years ahead are taken to be in the past (RFC 9110 5.6.7).
            this_year = datetime.now(tz=UTC).year
            century = this_year - this_year % 100
            year += century - 100 if year - this_year % 100 > 50 else century
        month = MONTHS.index(match["mon"].lower()) + 1
        moment = datetime(
            year,
            month,
            int(match["day"]),
            int(match["hour"]),
            int(match["min"]),
            int(match["sec"]),
            tzinfo=UTC,
        )
        return int(moment.timestamp())
    except Exception as exc:
        raise ValueError(f"{date!r} is not a valid date") from exc


def parse_http_date_safe(date: str) -> int | None:
    """Like parse_http_date(), but return None when ``date`` is invalid."""
    try:
        return parse_http_date(date)
    except Exception:  # noqa: BLE001 - "invalid" is whatever parse_http_date() refuses, as in Django
        return None


def base36_to_int(s: str) -> int:
    """Convert a base 36 string to an int; ValueError for more than 13 digits (beyond 64 bits)."""
    if len(s) > 13:
        raise ValueError("Base36 input too large")
    return int(s, 36)


def int_to_base36(i: int) -> str:
    """Convert a non-negative int to a base 36 string."""
    if i < 0:
        raise ValueError("Negative base36 conversion input.")
    if i < 36:
        return _BASE36_DIGITS[i]
    digits: list[str] = []
    while i:
        i, rest = divmod(i, 36)
        digits.append(_BASE36_DIGITS[rest])
    return "".join(reversed(digits))


def urlsafe_base64_encode(s: bytes) -> str:
    """Encode bytes as URL-safe base64 text without the trailing '=' padding."""
    return base64.urlsafe_b64encode(s).rstrip(b"\n=").decode("ascii")


def urlsafe_base64_decode(s: str) -> bytes:
    """Decode URL-safe base64 text, restoring the padding; ValueError when it is not valid base64."""
    raw = s.encode()
    try:
        return base64.urlsafe_b64decode(raw.ljust(len(raw) + len(raw) % 4, b"="))
    except (LookupError, BinasciiError) as exc:
        raise ValueError(exc)


def parse_etags(etag_str: str) -> list[str]:
    """Return the quoted ETags of an If-Match/If-None-Match header (invalid ones dropped), or ['*']."""
    if etag_str.strip() == "*":
        return ["*"]
    matches = (ETAG_MATCH.match(etag.strip()) for etag in etag_str.split(","))
    return [match[1] for match in matches if match]


def quote_etag(etag_str: str) -> str:
    """Return ``etag_str`` if it is a quoted ETag already, else it quoted as a strong ETag."""
    return etag_str if ETAG_MATCH.match(etag_str) else f'"{etag_str}"'


def is_same_domain(host: str, pattern: str) -> bool:
    """Return True if ``host`` equals ``pattern``, or ``pattern`` is '.domain' and ``host`` is in it."""
    if not pattern:
        return False
    pattern = pattern.lower()
    if pattern[0] == ".":
        return host.endswith(pattern) or host == pattern[1:]
    return pattern == host


def url_has_allowed_host_and_scheme(
    url: str | None, allowed_hosts: str | Iterable[str] | None, require_https: bool = False
) -> bool:
    """Return True if ``url`` is relative, or absolute with a host in ``allowed_hosts`` and a safe scheme.

    An empty URL is never allowed. With ``require_https`` only https (not http) is a safe scheme.
    """
    if url is not None:
        url = url.strip()
    if not url:
        return False
    if allowed_hosts is None:
        allowed_hosts = set()
    elif isinstance(allowed_hosts, str):
        allowed_hosts = {allowed_hosts}
    # Browsers read "\" as "/" in paths, but it may also sit in credentials: both readings must be safe.
    return _is_safe_url(url, allowed_hosts, require_https) and _is_safe_url(
        url.replace("\\", "/"), allowed_hosts, require_https
    )


def _is_safe_url(url: str, allowed_hosts: Any, require_https: bool) -> bool:
    # Browsers treat three leading slashes as an absolute URL; overlong URLs are refused before parsing.
    if url.startswith("///") or len(url) > MAX_URL_LENGTH:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 address
        return False
    # "http:///example.com": browsers take example.com for the host, urlsplit does not.
    if parts.scheme and not parts.netloc:
        return False
    # Browsers skip leading control characters and may then see a scheme-relative URL.
    if unicodedata.category(url[0])[0] == "C":
        return False
    scheme = parts.scheme or ("http" if parts.netloc else "")
    valid_schemes = ("https",) if require_https else ("http", "https")
    return (not parts.netloc or parts.netloc in allowed_hosts) and (not scheme or scheme in valid_schemes)


def escape_leading_slashes(url: str) -> str:
    """Escape the second of two leading slashes, so the path cannot be read as a scheme-relative URL."""
    if url.startswith("//"):
        return "/%2F" + url[2:]
    return url


def parse_header_parameters(line: str) -> tuple[str, dict[str, str]]:
    """Split a Content-Type-like header into its lower-cased main value and a dict of parameters.

    RFC 2231 encoded parameters (``filename*=utf-8''...``) are decoded; an unknown charset raises ValueError.
    """
    if not line:
        return "", {}
    # PERF: most headers have no parameters; skip the email parser for them.
    if ";" not in line:
        return line.strip().lower(), {}
    key, params = _parse_parameters(line)
    return key, dict(params)


# A main value followed only by plain ``; name=token`` parameters: what nearly every Content-Type is (a
# browser's multipart boundary included). Such lines need no quoting or RFC 2231 rules.
_TOKEN = r"[-!#$&+.^_`|~0-9A-Za-z]+"  # noqa: S105 - an RFC 9110 token, not a secret
_SIMPLE_PARAMETERS = re.compile(
    rf"[ \t]*([-!#$%&'*+.^_`|~/0-9A-Za-z]+)[ \t]*((?:;[ \t]*{_TOKEN}={_TOKEN}[ \t]*)+)"
)


@lru_cache(maxsize=256)
def _parse_parameters(line: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    # PERF: the same Content-Type lines come back request after request, so they are cached; a line that is
    # new (a multipart boundary is new on every upload) is split by hand when its parameters are plain
    # tokens (about 1.5 µs), and only the others go through the email parser (about 6 µs).
    simple = _SIMPLE_PARAMETERS.fullmatch(line)
    if simple is not None:
        found: dict[str, str] = {}
        for param in simple[2].split(";")[1:]:
            name, _, value = param.partition("=")
            found[name.lstrip(" \t").lower()] = value.rstrip(" \t")
        return simple[1].lower(), tuple(found.items())
    message = Message()
    message["content-type"] = line
    # An RFC 2231 value comes as a (charset, language, value) tuple, which the stubs do not say.
    params: list[tuple[str, Any]] = message.get_params() or []
    key = params.pop(0)[0].lower()
    parsed: dict[str, str] = {}
    for name, value in params:
        if not name:
            continue
        if isinstance(value, tuple):
            # RFC 2231 (charset, language, value): refuse an unknown charset instead of guessing ASCII.
            charset = value[0]
            if charset:
                try:
                    codecs.lookup(charset)
                except LookupError:
                    raise ValueError(f"Invalid encoding {charset!r} for RFC 2231 param.")
            value = collapse_rfc2231_value(value)
        parsed[name] = value
    return key, tuple(parsed.items())


def content_disposition_header(as_attachment: bool, filename: str) -> str | None:
    """Return the Content-Disposition value (RFC 6266) for ``filename``, or None when there is none."""
    if filename:
        disposition = "attachment" if as_attachment else "inline"
        if filename.isascii() and _QUOTABLE.match(filename):
            escaped = filename.replace("\\", "\\\\").replace('"', '\\"')
            return f'{disposition}; filename="{escaped}"'
        return f"{disposition}; filename*=utf-8''{quote(filename)}"
    if as_attachment:
        return "attachment"
    return None
