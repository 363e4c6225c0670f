"""``ResolverMatch``: what resolving a path found, shared by the resolvers and the flattened matcher."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pickle import PicklingError
from typing import Any

__all__ = ["ResolverMatch", "func_path", "join_route"]


def func_path(func: Any) -> str:
    """Dotted name of a view for ResolverMatch: class-based views by their class, partials by their type."""
    func = getattr(func, "view_class", func)
    if not hasattr(func, "__name__"):
        return f"{func.__class__.__module__}.{func.__class__.__name__}"
    return f"{func.__module__}.{func.__name__}"


class _FilledOnRead:
    """A ResolverMatch attribute that a fast-matcher match (one holding ``_lazy``) computes on first read.

    A non-data descriptor: a match built by ``__init__`` has the attribute in its ``__dict__``, which wins.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, match: Any, owner: type | None = None) -> Any:
        if match is None:
            return self
        lazy = match.__dict__.get("_lazy")
        if lazy is None:
            raise AttributeError(f"'ResolverMatch' object has no attribute '{self.name}'")
        entry, resolver, path = lazy
        if self.name == "tried":
            value = resolver.resolve_nested(path).tried
        else:
            value = list(getattr(entry, self.name))
        match.__dict__[self.name] = value
        return value


class ResolverMatch:
    """What resolve() found: the view, its arguments and the URL name/namespace data, as in Django."""

    def __init__(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        url_name: str | None = None,
        app_names: Iterable[str | None] | None = None,
        namespaces: Iterable[str | None] | None = None,
        route: str | None = None,
        tried: list[list[Any]] | None = None,
        captured_kwargs: dict[str, Any] | None = None,
        extra_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.url_name = url_name
        self.route = route
        self.tried = tried
        self.captured_kwargs = captured_kwargs
        self.extra_kwargs = extra_kwargs
        self.app_names = [x for x in app_names if x] if app_names else []
        self.app_name = ":".join(self.app_names)
        self.namespaces = [x for x in namespaces if x] if namespaces else []
        self.namespace = ":".join(self.namespaces)
        self._func_path = func_path(func)
        self.view_name = ":".join([*self.namespaces, url_name or self._func_path])

    # PERF: matches made by the fast matcher fill these in only when read (see matcher.make_match). They
    # are descriptors rather than a __getattr__, which would slow down every attribute read of a match.
    app_names: list[str] = _FilledOnRead()  # type: ignore[assignment]
    namespaces: list[str] = _FilledOnRead()  # type: ignore[assignment]
    tried: list[list[Any]] | None = _FilledOnRead()  # type: ignore[assignment]

    def __getitem__(self, index: int) -> Any:
        return (self.func, self.args, self.kwargs)[index]

    def __repr__(self) -> str:
        func = repr(self.func) if isinstance(self.func, functools.partial) else self._func_path
        extra = f", captured_kwargs={self.captured_kwargs!r}" if self.captured_kwargs else ""
        if self.extra_kwargs:
            extra += f", extra_kwargs={self.extra_kwargs!r}"
        return (
            f"ResolverMatch(func={func}, args={self.args!r}, kwargs={self.kwargs!r}, "
            f"url_name={self.url_name!r}, app_names={self.app_names!r}, namespaces={self.namespaces!r}, "
            f"route={self.route!r}{extra})"
        )

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise PicklingError(f"Cannot pickle {self.__class__.__qualname__}.")


def join_route(route1: str, route2: str) -> str:
    """Join two routes, dropping a leading '^' from the second (as Django's ResolverMatch.route)."""
    if not route1:
        return route2
    return route1 + route2.removeprefix("^")
