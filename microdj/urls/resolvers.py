"""URL resolvers: which view answers a path, and the data reverse() needs.

``get_resolver()`` builds the root resolver once per URLconf and checks the whole URLconf tree while doing
so, so mistakes surface at start-up. ``URLResolver.resolve()`` answers from a flattened matcher (see
:mod:`microdj.urls.matcher`) whose result equals Django's nested walk, which lives here too
(``_resolve_nested``) for the cases the matcher hands back and for the ``tried`` lists of debug pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from importlib import import_module
from pickle import PicklingError
from types import ModuleType
from typing import Any

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured, ViewDoesNotExist
from microdj.urls.exceptions import Resolver404
from microdj.urls.patterns import RegexPattern, RoutePattern
from microdj.urls.reversing import ReverseData
from microdj.urls.utils import get_callable

__all__ = [
    "RegexPattern",
    "ResolverMatch",
    "RoutePattern",
    "URLPattern",
    "URLResolver",
    "clear_url_caches",
    "get_ns_resolver",
    "get_resolver",
]


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
            value = resolver._resolve_nested(path).tried
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


class URLPattern:
    """A route to a view, made by ``path()`` or ``re_path()``."""

    def __init__(
        self,
        pattern: RoutePattern | RegexPattern,
        callback: Callable[..., Any],
        default_args: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        self.pattern = pattern
        self.callback = callback
        self.default_args = default_args or {}
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {self.pattern.describe()}>"

    @functools.cached_property
    def lookup_str(self) -> str:
        """Dotted path of the view (of the wrapped function for a partial, of the class for a CBV)."""
        callback = self.callback
        if isinstance(callback, functools.partial):
            callback = callback.func
        if hasattr(callback, "view_class"):
            callback = callback.view_class
        elif not hasattr(callback, "__name__"):
            return f"{callback.__module__}.{callback.__class__.__name__}"
        return f"{callback.__module__}.{callback.__qualname__}"

    def resolve(self, path: str) -> ResolverMatch | None:
        """Match ``path`` (what the parent left of it) and return a ResolverMatch, or None."""
        found = self.pattern.match(path)
        if found is None:
            return None
        _, args, captured = found
        return ResolverMatch(
            self.callback,
            args,
            {**captured, **self.default_args},
            self.pattern.name,
            route=str(self.pattern),
            captured_kwargs=captured,
            extra_kwargs=self.default_args,
        )


class URLResolver:
    """A prefix pattern over a list of patterns: the root URLconf or an ``include()``."""

    def __init__(
        self,
        pattern: RoutePattern | RegexPattern,
        urlconf_name: Any,
        default_kwargs: dict[str, Any] | None = None,
        app_name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        self.pattern = pattern
        # A dotted module path, a module (or any object with ``urlpatterns``), or the patterns themselves.
        self.urlconf_name = urlconf_name
        self.callback = None
        self.default_kwargs = default_kwargs or {}
        self.namespace = namespace
        self.app_name = app_name
        self._matcher: Any = None
        self._reverse_data: ReverseData | None = None

    def __repr__(self) -> str:
        if isinstance(self.urlconf_name, list) and self.urlconf_name:
            urlconf_repr = f"<{self.urlconf_name[0].__class__.__name__} list>"
        else:
            urlconf_repr = repr(self.urlconf_name)
        return (
            f"<{self.__class__.__name__} {urlconf_repr} ({self.app_name}:{self.namespace}) "
            f"{self.pattern.describe()}>"
        )

    @functools.cached_property
    def urlconf_module(self) -> Any:
        """The URLconf module (imported on first use), or the object given instead of a dotted path."""
        if isinstance(self.urlconf_name, str):
            return import_module(self.urlconf_name)
        return self.urlconf_name

    @functools.cached_property
    def url_patterns(self) -> list[URLPattern | URLResolver]:
        """The patterns, checked: raises ImproperlyConfigured for a missing or malformed ``urlpatterns``."""
        module = self.urlconf_module
        name = (
            self.urlconf_name if isinstance(self.urlconf_name, str) else getattr(module, "__name__", module)
        )
        if isinstance(module, ModuleType) and not hasattr(module, "urlpatterns"):
            raise ImproperlyConfigured(
                f"The URLconf module '{name}' has no 'urlpatterns'. Add a list of routes to it, e.g. "
                "urlpatterns = [path('', views.index)]. If it does define urlpatterns, the problem is "
                "probably a circular import."
            )
        patterns = getattr(module, "urlpatterns", module)
        try:
            patterns = list(patterns)
        except TypeError:
            raise ImproperlyConfigured(
                f"The included URLconf '{name}' does not appear to have any patterns in it: 'urlpatterns' "
                "must "
                f"be a list of path()/re_path() entries, not {type(patterns).__name__}. If you see the "
                "'urlpatterns' variable with valid patterns in the file then the issue is probably caused "
                "by a circular import."
            ) from None
        for entry in patterns:
            if not isinstance(entry, URLPattern | URLResolver):
                raise ImproperlyConfigured(
                    f"The URLconf '{name}' has an invalid entry in urlpatterns: {entry!r}. Make every entry "
                    "with path(), re_path() or path(..., include(...))."
                )
        return patterns

    def resolve(self, path: str) -> ResolverMatch:
        """Return the ResolverMatch for ``path``; raise Resolver404 when nothing matches."""
        if type(path) is not str:
            path = str(path)  # e.g. a reverse_lazy() result
        matcher = self._matcher or self._build_matcher()
        # PERF: one dict lookup for static routes, a few small regexes for dynamic ones.
        match = matcher.resolve(path)
        if match is None:
            return self._resolve_nested(path)
        result: ResolverMatch = match
        return result

    def _build_matcher(self) -> Any:
        from microdj.urls.matcher import Matcher

        self._matcher = Matcher(self)
        return self._matcher

    def fast_resolver(self) -> Callable[[str], ResolverMatch | None]:
        """The matcher's own ``resolve``: a match, Resolver404, or None when ``resolve()`` must decide.

        The handler binds it once at start-up to skip this wrapper on every request.
        """
        result: Callable[[str], ResolverMatch | None] = (self._matcher or self._build_matcher()).resolve
        return result

    def _resolve_nested(self, path: str) -> ResolverMatch:
        """Django's level-by-level resolution, with the full ``tried`` list."""
        tried: list[list[Any]] = []
        found = self.pattern.match(path)
        if found is None:
            raise Resolver404({"path": path})
        new_path, args, kwargs = found
        for pattern in self.url_patterns:
            try:
                if isinstance(pattern, URLResolver):
                    sub_match: ResolverMatch | None = pattern._resolve_nested(new_path)
                else:
                    sub_match = pattern.resolve(new_path)
            except Resolver404 as exc:
                sub_tried = exc.args[0].get("tried")
                if sub_tried is None:
                    tried.append([pattern])
                else:
                    tried.extend([pattern, *t] for t in sub_tried)
                continue
            if sub_match is None:
                tried.append([pattern])
                continue
            sub_kwargs = {**kwargs, **self.default_kwargs, **sub_match.kwargs}
            sub_args = sub_match.args if sub_kwargs else args + sub_match.args
            if isinstance(pattern, URLPattern):
                tried.append([pattern])
                route = sub_match.route
            else:
                tried.extend([pattern, *t] for t in sub_match.tried)
                route = join_route(str(pattern.pattern), sub_match.route)
            return ResolverMatch(
                sub_match.func,
                sub_args,
                sub_kwargs,
                sub_match.url_name,
                [self.app_name, *sub_match.app_names],
                [self.namespace, *sub_match.namespaces],
                route,
                tried,
                captured_kwargs=sub_match.captured_kwargs,
                extra_kwargs={**self.default_kwargs, **sub_match.extra_kwargs},
            )
        raise Resolver404({"tried": tried, "path": new_path})

    def resolve_error_handler(self, view_type: int) -> Callable[..., Any] | None:
        """The ``handler<view_type>`` view set in the URLconf module, or None when it sets none."""
        callback = getattr(self.urlconf_module, f"handler{view_type}", None)
        if not callback:
            return None
        return get_callable(callback)

    def check(self) -> None:
        """Import and check the whole URLconf tree and error handlers; build the matcher."""
        self._build_matcher()
        for code in (400, 403, 404, 500):
            try:
                self.resolve_error_handler(code)
            except (ImportError, ViewDoesNotExist) as exc:
                raise ImproperlyConfigured(
                    f"The custom handler{code} view {getattr(self.urlconf_module, f'handler{code}')!r} "
                    f"cannot be imported: {exc}. Fix handler{code} in your URLconf."
                ) from exc

    @property
    def reverse_data(self) -> ReverseData:
        """Names, namespaces and app names below this resolver, for reverse()."""
        data = self._reverse_data
        if data is None:
            data = self._reverse_data = ReverseData(self)
        return data

    @property
    def reverse_dict(self) -> dict[Any, list[Any]]:
        """View name or callable -> reverse possibilities (last-defined pattern first, as Django)."""
        return self.reverse_data.lookups

    @property
    def namespace_dict(self) -> dict[str, Any]:
        """Instance namespace -> (prefix regex, resolver, converters)."""
        return self.reverse_data.namespaces

    @property
    def app_dict(self) -> dict[str, list[str]]:
        """Application namespace -> its instance namespaces."""
        return self.reverse_data.apps

    def reverse(self, lookup_view: Any, *args: Any, **kwargs: Any) -> str:
        """Reverse without the script prefix."""
        return self._reverse_with_prefix(lookup_view, "", *args, **kwargs)

    def _reverse_with_prefix(self, lookup_view: Any, _prefix: str, *args: Any, **kwargs: Any) -> str:
        return self.reverse_in(lookup_view, _prefix, args, kwargs)

    def reverse_in(
        self,
        lookup_view: Any,
        prefix: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        ns_pattern: str = "",
        ns_converters: dict[str, Any] | None = None,
    ) -> str:
        """Reverse behind ``prefix`` (and the regex ``ns_pattern`` of the namespaces walked to get here)."""
        if args and kwargs:
            raise ValueError("Don't mix *args and **kwargs in call to reverse()!")
        return self.reverse_data.reverse(lookup_view, prefix, args, kwargs, ns_pattern, ns_converters or {})


def join_route(route1: str, route2: str) -> str:
    """Join two routes, dropping a leading '^' from the second (as Django's ResolverMatch.route)."""
    if not route1:
        return route2
    return route1 + route2.removeprefix("^")


_resolvers: dict[Any, URLResolver] = {}


def get_resolver(urlconf: Any = None) -> URLResolver:
    """The root resolver of ``urlconf`` (default: settings.ROOT_URLCONF), built and checked once."""
    if urlconf is None:
        urlconf = settings.ROOT_URLCONF
        if urlconf is None:
            raise ImproperlyConfigured(
                "The ROOT_URLCONF setting is not set. Set it to the dotted path of the module that "
                "defines urlpatterns, e.g. ROOT_URLCONF = 'mysite.urls'."
            )
    try:
        return _resolvers[urlconf]
    except KeyError:
        cacheable = True
    except TypeError:  # an unhashable urlconf (e.g. a list of patterns) is not cached
        cacheable = False
    resolver = URLResolver(RegexPattern(r"^/"), urlconf)
    resolver.check()
    # Two threads may build at once; the first stored wins (setdefault is atomic).
    return _resolvers.setdefault(urlconf, resolver) if cacheable else resolver


def get_ns_resolver(
    ns_pattern: str, resolver: URLResolver, converters: tuple[tuple[str, Any], ...]
) -> URLResolver:
    """A root resolver over ``resolver``'s patterns behind the namespace prefix regex ``ns_pattern``."""
    pattern = RegexPattern(ns_pattern)
    pattern.converters = dict(converters)
    return URLResolver(RegexPattern(r"^/"), [URLResolver(pattern, resolver.url_patterns)])


def clear_url_caches() -> None:
    """Forget every built resolver (and imported view); the next get_resolver() rebuilds."""
    get_callable.cache_clear()
    _resolvers.clear()


def _setting_changed(name: str, value: Any) -> None:
    if name == "ROOT_URLCONF":
        clear_url_caches()


settings.add_listener(_setting_changed)
