"""The two pattern kinds behind ``path()`` and ``re_path()``: RoutePattern and RegexPattern.

Both are checked and compiled when created, so a bad route fails while the URLconf is imported.
"""

from __future__ import annotations

import re
import string
from typing import Any

from microdj.core.exceptions import ImproperlyConfigured
from microdj.urls.converters import get_converters

_PARAMETER_RE = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
_WHITESPACE = frozenset(string.whitespace)

# A route broken into literal text (str) and parameters (name, converter), in order.
RoutePart = str | tuple[str, Any]


def _describe(pattern: Any) -> str:
    description = f"'{pattern}'"
    if pattern.name:
        description += f" [name='{pattern.name}']"
    return description


def _compile(regex: str) -> re.Pattern[str]:
    try:
        return re.compile(regex)
    except re.error as exc:
        raise ImproperlyConfigured(f'"{regex}" is not a valid regular expression: {exc}') from exc


def parse_route(route: str) -> list[RoutePart]:
    """Split a path() route into literal text and (name, converter) parameters; raise on a bad one."""
    converters = get_converters()
    parts: list[RoutePart] = []
    end = 0
    for found in _PARAMETER_RE.finditer(route):
        if not _WHITESPACE.isdisjoint(found[0]):
            raise ImproperlyConfigured(
                f"URL route {route!r} cannot contain whitespace in angle brackets <…>."
            )
        converter_name, parameter = found.groups(default="str")
        if not parameter.isidentifier():
            raise ImproperlyConfigured(
                f"URL route {route!r} uses parameter name {parameter!r} which isn't a valid "
                "Python identifier."
            )
        try:
            converter = converters[converter_name]
        except KeyError:
            raise ImproperlyConfigured(
                f"URL route {route!r} uses invalid converter {converter_name!r}. Known converters: "
                f"{', '.join(sorted(converters))}; add others with register_converter() before this route."
            ) from None
        if found.start() > end:
            parts.append(route[end : found.start()])
        parts.append((parameter, converter))
        end = found.end()
    if end < len(route):
        parts.append(route[end:])
    return parts


class RegexPattern:
    """A ``re_path()`` pattern: a regular expression matched from the start of the remaining path."""

    def __init__(self, regex: str, name: str | None = None, is_endpoint: bool = False) -> None:
        if not isinstance(regex, str):
            raise ImproperlyConfigured(f"URL regex {regex!r} must be a string, not {type(regex).__name__}.")
        self._regex = regex
        self.regex = _compile(regex)
        self._is_endpoint = is_endpoint
        self.name = name
        self.converters: dict[str, Any] = {}
        # Django matches a whole endpoint path only when the regex ends with '$'.
        self._fullmatch = is_endpoint and regex.endswith("$")

    def match(self, path: str) -> tuple[str, tuple[Any, ...], dict[str, Any]] | None:
        """Return (rest of path, args, kwargs), or None; named groups win over unnamed ones."""
        found = self.regex.fullmatch(path) if self._fullmatch else self.regex.search(path)
        if found is None:
            return None
        kwargs = found.groupdict()
        args = () if kwargs else found.groups()
        return path[found.end() :], args, {k: v for k, v in kwargs.items() if v is not None}

    def describe(self) -> str:
        """The pattern and its name, for messages."""
        return _describe(self)

    def __str__(self) -> str:
        return self._regex


class RoutePattern:
    """A ``path()`` route such as ``'articles/<int:year>/'``, anchored at the start (and end if endpoint)."""

    def __init__(self, route: str, name: str | None = None, is_endpoint: bool = False) -> None:
        if not isinstance(route, str):
            raise ImproperlyConfigured(
                f"URL route {route!r} must be a string, not {type(route).__name__}. "
                "Write path('articles/', view), or use re_path() for a regular expression."
            )
        self._route = route
        self.parts = parse_route(route)
        self.converters: dict[str, Any] = {p[0]: p[1] for p in self.parts if isinstance(p, tuple)}
        pieces = ["^"]
        for part in self.parts:
            if isinstance(part, str):
                pieces.append(re.escape(part))
            else:
                pieces.append(f"(?P<{part[0]}>{part[1].regex})")
        if is_endpoint:
            pieces.append(r"\Z")
        self._regex = "".join(pieces)
        self.regex = _compile(self._regex)
        self._is_endpoint = is_endpoint
        self.name = name

    def match(self, path: str) -> tuple[str, tuple[Any, ...], dict[str, Any]] | None:
        """Return (rest of path, (), converted kwargs), or None (also when a converter raises ValueError)."""
        found = self.regex.search(path)
        if found is None:
            return None
        kwargs = found.groupdict()
        converters = self.converters
        for key, value in kwargs.items():
            try:
                kwargs[key] = converters[key].to_python(value)
            except ValueError:
                return None
        return path[found.end() :], (), kwargs

    def describe(self) -> str:
        """The route and its name, for messages."""
        return _describe(self)

    def __str__(self) -> str:
        return self._route
