"""``reverse()``, ``resolve()`` and friends, over the resolver of the active URLconf."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlencode

from asgiref.local import Local

from microdj.http.querydict import QueryDict
from microdj.urls.exceptions import NoReverseMatch, Resolver404
from microdj.urls.resolvers import ResolverMatch, clear_url_caches, get_resolver

__all__ = [
    "clear_script_prefix",
    "clear_url_caches",
    "get_script_prefix",
    "get_urlconf",
    "is_valid_path",
    "resolve",
    "reverse",
    "reverse_lazy",
    "set_script_prefix",
    "set_urlconf",
]

# Per thread / asyncio task: the SCRIPT_NAME prefix and an URLconf overriding ROOT_URLCONF.
_prefixes = Local()
_urlconfs = Local()


def resolve(path: str, urlconf: Any = None) -> ResolverMatch:
    """Return the ResolverMatch for ``path`` (starting with '/'); raise Resolver404 when nothing matches."""
    if urlconf is None:
        urlconf = get_urlconf()
    return get_resolver(urlconf).resolve(path)


def reverse(
    viewname: Any,
    urlconf: Any = None,
    args: Any = None,
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
    *,
    query: Any = None,
    fragment: str | None = None,
) -> str:
    """The URL of a view name ("ns:name"), or of a view callable, with ``args`` or ``kwargs`` filled in.

    ``query`` (a dict, QueryDict or sequence of pairs) is appended urlencoded, ``fragment`` after a '#'.
    Raises NoReverseMatch when no pattern fits.
    """
    if urlconf is None:
        urlconf = get_urlconf()
    resolver = get_resolver(urlconf)
    args = tuple(args or ())
    kwargs = kwargs or {}
    prefix = get_script_prefix()
    ns_pattern = ""
    ns_converters: dict[str, Any] = {}
    if not isinstance(viewname, str):
        view = viewname
    else:
        *namespaces, view = viewname.split(":")
        current_path = current_app.split(":")[::-1] if current_app else None
        resolved: list[str] = []
        for ns in namespaces:
            current_ns = current_path.pop() if current_path else None
            instances = resolver.app_dict.get(ns)
            if instances is not None:
                # An application namespace: the current app's instance, else the default or last deployed one.
                if current_ns and current_ns in instances:
                    ns = current_ns
                elif ns not in instances:
                    ns = instances[0]
            if ns != current_ns:
                current_path = None
            try:
                extra, resolver, converters = resolver.namespace_dict[ns]
            except KeyError:
                if resolved:
                    raise NoReverseMatch(
                        f"{ns!r} is not a registered namespace inside '{':'.join(resolved)}'"
                    )
                raise NoReverseMatch(f"{ns!r} is not a registered namespace")
            resolved.append(ns)
            ns_pattern += extra
            ns_converters.update(converters)
    url = resolver.reverse_in(view, prefix, args, kwargs, ns_pattern, ns_converters)
    if query is not None:
        query_string = query.urlencode() if isinstance(query, QueryDict) else urlencode(query, doseq=True)
        if query_string:
            url += "?" + query_string
    if fragment is not None:
        url += "#" + fragment
    return url


class _LazyURL:
    """The result of reverse_lazy(): reverse() runs when the URL is first used as a string."""

    __slots__ = ("_args", "_kwargs", "_value")

    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._args = args
        self._kwargs = kwargs
        self._value: str | None = None

    def __str__(self) -> str:
        if self._value is None:
            self._value = reverse(*self._args, **self._kwargs)
        return self._value

    def __getattr__(self, name: str) -> Any:
        return getattr(str(self), name)

    def __repr__(self) -> str:
        return f"<lazy URL {self._args[0]!r}>"

    def __eq__(self, other: object) -> bool:
        return str(self) == (str(other) if isinstance(other, _LazyURL) else other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __mod__(self, other: Any) -> str:
        result: str = str(self) % other
        return result

    def __fspath__(self) -> str:
        return str(self)


def reverse_lazy(*args: Any, **kwargs: Any) -> Any:
    """reverse(), evaluated when the result is first used (for module-level URLs)."""
    return _LazyURL(args, kwargs)


def set_script_prefix(prefix: str) -> None:
    """Set the prefix reverse() puts before every URL (the ASGI root_path plus '/'), for this task."""
    if not prefix.endswith("/"):
        prefix += "/"
    _prefixes.value = prefix


def get_script_prefix() -> str:
    """The active script prefix ('/' unless set)."""
    return getattr(_prefixes, "value", "/")


def clear_script_prefix() -> None:
    """Forget the script prefix set for this task."""
    try:
        del _prefixes.value
    except AttributeError:
        pass


def set_urlconf(urlconf_name: Any) -> None:
    """Use ``urlconf_name`` instead of ROOT_URLCONF in this task; None reverts to the default."""
    if urlconf_name:
        _urlconfs.value = urlconf_name
    else:
        try:
            del _urlconfs.value
        except AttributeError:
            pass


def get_urlconf(default: Any = None) -> Any:
    """The URLconf set with set_urlconf() for this task, else ``default``."""
    return getattr(_urlconfs, "value", default)


def is_valid_path(path: str, urlconf: Any = None) -> ResolverMatch | Literal[False]:
    """The ResolverMatch for ``path``, or False when it does not resolve."""
    try:
        return resolve(path, urlconf)
    except Resolver404:
        return False
