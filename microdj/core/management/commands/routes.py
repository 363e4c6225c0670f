"""``routes``: every URL pattern with its name, view, sync/async and allowed methods (``--json``)."""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Iterator
from typing import Any

from asgiref.sync import iscoroutinefunction

from microdj.core.management.base import BaseCommand, CommandError, CommandParser
from microdj.urls.resolvers import URLPattern, URLResolver, get_resolver, join_route


def _declared_methods(callback: Any) -> list[str] | None:
    """The methods a view accepts, where the view declares them: a class-based view's handlers, or
    the list given to ``require_http_methods`` (and ``require_GET``...)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        # HEAD is answered by get() when the view has no head(), as in Django.
        names = [
            m
            for m in view_class.http_method_names
            if hasattr(view_class, m) or (m == "head" and hasattr(view_class, "get"))
        ]
        return [m.upper() for m in names]
    func = callback
    while func is not None:
        try:
            refuse = inspect.getclosurevars(func).nonlocals.get("refuse")
        except (TypeError, ValueError):
            return None
        if refuse is not None:
            allowed = inspect.getclosurevars(refuse).nonlocals.get("request_method_list")
            return list(allowed) if allowed is not None else None
        func = getattr(func, "__wrapped__", None)
    return None


def _is_async(callback: Any) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return bool(view_class.view_is_async)
    if isinstance(callback, functools.partial):
        callback = callback.func
    return bool(iscoroutinefunction(callback))


def iter_routes(
    resolver: URLResolver, prefix: str = "", namespaces: tuple[str, ...] = ()
) -> Iterator[dict[str, Any]]:
    """One dict per endpoint below ``resolver``: route, name, view, async, methods."""
    for entry in resolver.url_patterns:
        route = join_route(prefix, str(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from iter_routes(entry, route, inner)
            continue
        assert isinstance(entry, URLPattern)
        name = ":".join((*namespaces, entry.name)) if entry.name else None
        yield {
            "route": "/" + route,
            "name": name,
            "view": entry.lookup_str,
            "async": _is_async(entry.callback),
            "methods": _declared_methods(entry.callback),
        }


class Command(BaseCommand):
    help = "Lists every URL pattern: route, name, view, sync or async, and the methods it declares."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print a JSON list instead of a table.")

    def handle(self, *args: Any, **options: Any) -> None:
        from microdj.conf import settings

        if not settings.ROOT_URLCONF:
            raise CommandError("The ROOT_URLCONF setting is not set, so there are no routes to list.")
        routes = list(iter_routes(get_resolver()))
        if options["json"]:
            self.stdout.write(json.dumps(routes, indent=2))
            return
        rows = [
            (
                r["route"],
                r["name"] or "-",
                r["view"],
                "async" if r["async"] else "sync",
                ",".join(r["methods"]) if r["methods"] else "any",
            )
            for r in routes
        ]
        header = ("ROUTE", "NAME", "VIEW", "MODE", "METHODS")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
