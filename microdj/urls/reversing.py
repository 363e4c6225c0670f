"""What reverse() knows about one resolver: names, namespaces and app names, and the URL building itself.

The tables are built on first use, as Django's ``URLResolver._populate()`` builds them: patterns are
visited last-first, so when several patterns share a name the last one that fits the arguments wins.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from microdj.urls._normalize import normalize
from microdj.urls.exceptions import NoReverseMatch
from microdj.utils.http import RFC3986_SUBDELIMS, escape_leading_slashes

if TYPE_CHECKING:
    from microdj.urls.resolvers import URLResolver

# (possibilities from normalize(), regex text, default kwargs, converters by parameter name)
Possibility = tuple[list[tuple[str, list[str]]], str, dict[str, Any], dict[str, Any]]

# Characters left unquoted in a reversed URL: RFC 3986 ``pchar`` plus '/'.
_SAFE = RFC3986_SUBDELIMS + "/~:@"


class ReverseData:
    """Reverse lookup tables for the patterns below one URLResolver."""

    def __init__(self, resolver: URLResolver) -> None:
        from microdj.urls.resolvers import URLPattern

        self.lookups: dict[Any, list[Possibility]] = {}
        self.namespaces: dict[str, tuple[str, URLResolver, dict[str, Any]]] = {}
        self.apps: dict[str, list[str]] = {}
        self._prefixed: dict[tuple[str, tuple[tuple[str, Any], ...]], dict[Any, list[Possibility]]] = {}
        self._checks: dict[tuple[str, str], re.Pattern[str]] = {}
        lookups, namespaces, apps = self.lookups, self.namespaces, self.apps
        own_converters = resolver.pattern.converters
        for url_pattern in reversed(resolver.url_patterns):
            regex = url_pattern.pattern.regex.pattern
            p_pattern = regex.removeprefix("^")
            if isinstance(url_pattern, URLPattern):
                item = (normalize(regex), p_pattern, url_pattern.default_args, url_pattern.pattern.converters)
                lookups.setdefault(url_pattern.callback, []).append(item)
                if url_pattern.name is not None:
                    lookups.setdefault(url_pattern.name, []).append(item)
            elif url_pattern.app_name:
                apps.setdefault(url_pattern.app_name, []).append(url_pattern.namespace)
                namespaces[url_pattern.namespace] = (
                    p_pattern,
                    url_pattern,
                    dict(url_pattern.pattern.converters),
                )
            else:
                sub = url_pattern.reverse_data
                converters = {**own_converters, **url_pattern.pattern.converters}
                for key, items in sub.lookups.items():
                    bucket = lookups.setdefault(key, [])
                    for _, pattern, defaults, sub_converters in items:
                        bucket.append(
                            (
                                normalize(p_pattern + pattern),
                                p_pattern + pattern,
                                {**defaults, **url_pattern.default_kwargs},
                                {**converters, **sub_converters},
                            )
                        )
                for namespace, (prefix, sub_resolver, ns_converters) in sub.namespaces.items():
                    namespaces[namespace] = (
                        p_pattern + prefix,
                        sub_resolver,
                        {**ns_converters, **url_pattern.pattern.converters},
                    )
                for app_name, instances in sub.apps.items():
                    apps.setdefault(app_name, []).extend(instances)

    def _possibilities(
        self, lookup_view: Any, ns_pattern: str, ns_converters: dict[str, Any]
    ) -> list[Possibility]:
        items = self.lookups.get(lookup_view, [])
        if not ns_pattern:
            return items
        # Behind a namespace prefix: the same patterns with the prefix regex in front (Django's ns resolver).
        key = (ns_pattern, tuple(ns_converters.items()))
        cache = self._prefixed.setdefault(key, {})
        prefixed = cache.get(lookup_view)
        if prefixed is None:
            prefixed = cache[lookup_view] = [
                (
                    normalize(ns_pattern + pattern),
                    ns_pattern + pattern,
                    defaults,
                    {**ns_converters, **converters},
                )
                for _, pattern, defaults, converters in items
            ]
        return prefixed

    def _check(self, prefix: str, pattern: str) -> re.Pattern[str]:
        check = self._checks.get((prefix, pattern))
        if check is None:
            check = self._checks[(prefix, pattern)] = re.compile(f"^{re.escape(prefix)}{pattern}")
        return check

    def reverse(
        self,
        lookup_view: Any,
        prefix: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        ns_pattern: str,
        ns_converters: dict[str, Any],
    ) -> str:
        """Build the URL for ``lookup_view`` (a name or a view) with ``args`` or ``kwargs``; quote it."""
        possibilities = self._possibilities(lookup_view, ns_pattern, ns_converters)
        for candidates, pattern, defaults, converters in possibilities:
            for template, params in candidates:
                if args:
                    if len(args) != len(params):
                        continue
                    subs = dict(zip(params, args, strict=True))
                else:
                    if set(kwargs).symmetric_difference(params).difference(defaults):
                        continue
                    if any(kwargs.get(k, v) != v for k, v in defaults.items() if k not in params):
                        continue
                    subs = kwargs
                text_subs = _to_url(subs, converters)
                if text_subs is None:
                    continue
                # Substitute unquoted first and check that against the regex, then quote the result.
                url = (prefix.replace("%", "%%") + template) % text_subs
                if self._check(prefix, pattern).search(url):
                    return escape_leading_slashes(quote(url, safe=_SAFE))
        raise NoReverseMatch(_no_match_message(lookup_view, possibilities, args, kwargs))


def _to_url(subs: dict[str, Any], converters: dict[str, Any]) -> dict[str, Any] | None:
    """Each value as URL text (by its converter's to_url()); None when a converter refuses one."""
    text: dict[str, Any] = {}
    for key, value in subs.items():
        converter = converters.get(key)
        if converter is None:
            text[key] = str(value)
            continue
        try:
            text[key] = converter.to_url(value)
        except ValueError:
            return None
    return text


def _no_match_message(
    lookup_view: Any, possibilities: list[Possibility], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> str:
    module = getattr(lookup_view, "__module__", None)
    name = getattr(lookup_view, "__name__", None)
    view = f"{module}.{name}" if module is not None and name is not None else lookup_view
    patterns = [pattern for _, pattern, _, _ in possibilities]
    if not patterns:
        return f"Reverse for '{view}' not found. '{view}' is not a valid view function or pattern name."
    if args:
        arguments = f"arguments '{args}'"
    elif kwargs:
        arguments = f"keyword arguments '{kwargs}'"
    else:
        arguments = "no arguments"
    return f"Reverse for '{view}' with {arguments} not found. {len(patterns)} pattern(s) tried: {patterns}"
