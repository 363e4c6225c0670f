"""What URLconfs are written with: ``path()``, ``re_path()`` and ``include()``."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from microdj.core.exceptions import ImproperlyConfigured
from microdj.urls.patterns import RegexPattern, RoutePattern
from microdj.urls.resolvers import URLPattern, URLResolver

__all__ = ["include", "path", "re_path"]


def include(arg: Any, namespace: str | None = None) -> tuple[Any, str | None, str | None]:
    """Prepare another URLconf for ``path(prefix, include(...))``.

    ``arg`` is a module, a dotted module path, a list of patterns, or a ``(patterns, app_name)`` tuple. The
    application namespace comes from the tuple or the module's ``app_name``; ``namespace`` defaults to it.
    """
    app_name = None
    if isinstance(arg, tuple):
        try:
            urlconf_module, app_name = arg
        except ValueError:
            if namespace:
                raise ImproperlyConfigured(
                    "Cannot override the namespace for a dynamic module that provides a namespace."
                ) from None
            raise ImproperlyConfigured(
                f"Passing a {len(arg)}-tuple to include() is not supported. Pass a 2-tuple containing the "
                "list of patterns and app_name, and provide the namespace argument to include() instead."
            ) from None
    else:
        urlconf_module = arg
    if isinstance(urlconf_module, str):
        urlconf_module = import_module(urlconf_module)
    app_name = getattr(urlconf_module, "app_name", app_name)
    if namespace and not app_name:
        raise ImproperlyConfigured(
            "Specifying a namespace in include() without providing an app_name is not supported. Set the "
            "app_name attribute in the included module, or pass a 2-tuple containing the list of patterns "
            "and app_name instead."
        )
    return urlconf_module, app_name, namespace or app_name


def _path(
    route: Any,
    view: Any,
    kwargs: dict[str, Any] | None,
    name: str | None,
    pattern_class: type[RoutePattern] | type[RegexPattern],
) -> URLPattern | URLResolver:
    if kwargs is not None and not isinstance(kwargs, dict):
        raise ImproperlyConfigured(
            f"The kwargs argument of the URL pattern {route!r} must be a dict, "
            f"but got {type(kwargs).__name__}."
        )
    if isinstance(view, list | tuple):
        if len(view) != 3:
            raise ImproperlyConfigured(
                f"The URL pattern {route!r} got a {type(view).__name__} as its view. To include other "
                "patterns, wrap them in include(): path('prefix/', include([...]))."
            )
        urlconf_module, app_name, namespace = view
        return URLResolver(
            pattern_class(route, is_endpoint=False),
            urlconf_module,
            kwargs,
            app_name=app_name,
            namespace=namespace,
        )
    if isinstance(view, type) and hasattr(view, "as_view"):
        raise ImproperlyConfigured(
            f"The URL pattern {route!r} has an invalid view: pass {view.__name__}.as_view() instead of "
            f"{view.__name__}."
        )
    if not callable(view):
        if hasattr(view, "as_view"):
            cls_name = type(view).__name__
            raise ImproperlyConfigured(
                f"view must be a callable, pass {cls_name}.as_view(), not {cls_name}()."
            )
        raise ImproperlyConfigured(
            f"The view of the URL pattern {route!r} must be a callable or an include(), not {view!r}."
        )
    return URLPattern(pattern_class(route, name=name, is_endpoint=True), view, kwargs, name)


def path(
    route: str,
    view: Callable[..., Any] | tuple[Any, ...],
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
) -> URLPattern | URLResolver:
    """A route such as ``'articles/<int:year>/'`` to a view, or with ``include()`` to more patterns."""
    return _path(route, view, kwargs, name, RoutePattern)


def re_path(
    route: str,
    view: Callable[..., Any] | tuple[Any, ...],
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
) -> URLPattern | URLResolver:
    """Like ``path()``, with a regular expression (add ``^`` and ``$`` to anchor it, as in Django)."""
    return _path(route, view, kwargs, name, RegexPattern)
