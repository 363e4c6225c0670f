"""URLconf checks: Django's ``urls.W001``-``W010``, ``2_0.W001``, ``urls.E006``/``E007``, and microdj's own
``urls.W101`` (a route without a trailing slash under ``APPEND_SLASH``) and ``urls.W102`` (a URL name that
``reverse()`` can never reach).

Mistakes that make a URLconf unusable (a bad regex, an unknown converter, a view that is not callable) raise
``ImproperlyConfigured`` while the URLconf is imported, before any check runs.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from microdj.conf import settings
from microdj.core.checks.messages import CheckMessage, Error, Warning
from microdj.core.checks.registry import Tags, register
from microdj.core.loading import root_resolver
from microdj.urls.patterns import RegexPattern, RoutePattern
from microdj.urls.resolvers import URLPattern, URLResolver

Pattern = RoutePattern | RegexPattern


def _walk(
    resolver: URLResolver, namespaces: tuple[str, ...] = (), parents: tuple[Pattern, ...] = ()
) -> Iterator[tuple[URLPattern | URLResolver, tuple[str, ...], tuple[Pattern, ...]]]:
    """Every entry below ``resolver`` with the instance namespaces and prefix patterns above it."""
    for entry in resolver.url_patterns:
        yield entry, namespaces, parents
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, inner, (*parents, entry.pattern))


def _compiled_regex(pattern: Pattern) -> str:
    return pattern.regex.pattern


def _check_starts_with_slash(pattern: Pattern) -> list[CheckMessage]:
    regex = _compiled_regex(pattern)
    if settings.APPEND_SLASH and regex.startswith(("/", "^/", "^\\/")) and not regex.endswith("/"):
        return [
            Warning(
                f"Your URL pattern {pattern.describe()} has a route beginning with a '/'. Remove the slash, "
                "it is not needed; if the pattern sits in an include(), end the include()'s route with '/'.",
                id="urls.W002",
            )
        ]
    return []


def _check_route(pattern: RoutePattern) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    route = str(pattern)
    if "(?P<" in route or route.startswith("^") or route.endswith("$"):
        found.append(
            Warning(
                f"Your URL pattern {pattern.describe()} has a route that contains '(?P<', begins with a '^' "
                "or ends with a '$'. path() routes are not regular expressions: drop them, or use re_path().",
                id="2_0.W001",
            )
        )
    depth = 0
    for bracket in re.findall(r"[<>]", route):
        depth += 1 if bracket == "<" else -1
        if depth < 0:
            found.append(
                Warning(
                    f"Your URL pattern {pattern.describe()} has an unmatched '>' bracket.", id="urls.W010"
                )
            )
            depth = 0
    if depth > 0:
        found.append(Warning(f"Your URL pattern {pattern.describe()} has an unmatched '<'.", id="urls.W010"))
    return found


def _check_trailing_slash(pattern: RoutePattern) -> list[CheckMessage]:
    route = str(pattern)
    last = route.rpartition("/")[2]
    if not settings.APPEND_SLASH or not route or not last or "." in last or last.startswith("<path:"):
        return []
    return [
        Warning(
            f"Your URL pattern {pattern.describe()} does not end with a '/' while APPEND_SLASH is on: "
            f"'/{route}' answers but '/{route}/' gets 404 (CommonMiddleware only adds slashes).",
            hint=f"Write the route as '{route}/', or set APPEND_SLASH = False.",
            id="urls.W101",
        )
    ]


def _check_entry(entry: URLPattern | URLResolver) -> list[CheckMessage]:
    pattern = entry.pattern
    found = _check_starts_with_slash(pattern)
    if isinstance(pattern, RoutePattern):
        found.extend(_check_route(pattern))
    if isinstance(entry, URLResolver):
        regex = str(pattern)
        if isinstance(pattern, RegexPattern) and regex.endswith("$") and not regex.endswith(r"\$"):
            found.append(
                Warning(
                    f"Your URL pattern {pattern.describe()} uses include() with a route ending with a '$'. "
                    "Remove the '$', or no URL below it can match.",
                    id="urls.W001",
                )
            )
        return found
    if entry.name is not None and ":" in entry.name:
        found.append(
            Warning(
                f"Your URL pattern {pattern.describe()} has a name including a ':'. Remove the colon: it "
                "makes namespace references ambiguous.",
                id="urls.W003",
            )
        )
    if isinstance(pattern, RoutePattern):
        found.extend(_check_trailing_slash(pattern))
    return found


def _parameters(pattern: Pattern) -> tuple[Any, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(sorted(pattern.converters))
    names = tuple(sorted(pattern.regex.groupindex))
    return names or (pattern.regex.groups,)


def _root() -> URLResolver | None:
    # A URLconf that cannot be imported raises SettingImportError naming ROOT_URLCONF.
    root: URLResolver | None = root_resolver(settings.ROOT_URLCONF) if settings.ROOT_URLCONF else None
    return root


@register(Tags.urls)
def check_url_config(**kwargs: Any) -> list[CheckMessage]:
    """Each pattern's warnings, and urls.W102 for names reverse() cannot reach."""
    root = _root()
    if root is None:
        return []
    found: list[CheckMessage] = []
    names: dict[tuple[tuple[str, ...], str, tuple[Any, ...]], list[str]] = {}
    for entry, namespaces, parents in _walk(root):
        found.extend(_check_entry(entry))
        if isinstance(entry, URLPattern) and entry.name:
            chain = (*parents, entry.pattern)
            signature = tuple(p for part in chain for p in _parameters(part))
            route = "".join(str(p) for p in chain)
            names.setdefault((namespaces, entry.name, signature), []).append(route)
    for (namespaces, name, _), routes in names.items():
        if len(set(routes)) > 1:
            full = ":".join((*namespaces, name))
            found.append(
                Warning(
                    f"The URL name '{full}' is given to {len(routes)} patterns taking the same arguments "
                    f"({', '.join(repr(r) for r in routes)}); reverse('{full}') only returns one of them.",
                    hint="Give each pattern its own name.",
                    id="urls.W102",
                )
            )
    return found


@register(Tags.urls)
def check_url_namespaces_unique(**kwargs: Any) -> list[CheckMessage]:
    """urls.W005: an instance namespace used twice."""
    root = _root()
    if root is None:
        return []
    counter = Counter(
        ":".join((*namespaces, entry.namespace))
        for entry, namespaces, _ in _walk(root)
        if isinstance(entry, URLResolver) and entry.namespace is not None
    )
    return [
        Warning(
            f"URL namespace '{namespace}' isn't unique. You may not be able to reverse all URLs in it.",
            id="urls.W005",
        )
        for namespace, count in counter.items()
        if count > 1
    ]


@register(Tags.urls)
def check_url_settings(**kwargs: Any) -> list[CheckMessage]:
    """urls.E006: STATIC_URL and MEDIA_URL end with a slash."""
    found: list[CheckMessage] = []
    for name in ("STATIC_URL", "MEDIA_URL"):
        value = getattr(settings, name, None)
        if value and not str(value).endswith("/"):
            found.append(Error(f"The {name} setting must end with a slash.", id="urls.E006"))
    return found


@register(Tags.urls)
def check_custom_error_handlers(**kwargs: Any) -> list[CheckMessage]:
    """urls.E007: handler400/403/404 take (request, exception), handler500 takes (request)."""
    root = _root()
    if root is None:
        return []
    found: list[CheckMessage] = []
    for status, arguments in ((400, 2), (403, 2), (404, 2), (500, 1)):
        handler = root.resolve_error_handler(status)
        if handler is None:
            continue
        try:
            inspect.signature(handler).bind(*([None] * arguments))
        except TypeError:
            expected = "request, exception" if arguments == 2 else "request"
            found.append(
                Error(
                    f"The custom handler{status} view '{handler.__module__}.{handler.__qualname__}' does not "
                    f"take the right arguments ({expected}).",
                    id="urls.E007",
                )
            )
    return found
