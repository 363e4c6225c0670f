"""URL routing with Django's API: ``path()``, ``include()``, ``reverse()``, ``resolve()`` and friends."""

from microdj.urls.base import (
    clear_script_prefix,
    clear_url_caches,
    get_script_prefix,
    get_urlconf,
    is_valid_path,
    resolve,
    reverse,
    reverse_lazy,
    set_script_prefix,
    set_urlconf,
)
from microdj.urls.conf import include, path, re_path
from microdj.urls.converters import register_converter
from microdj.urls.exceptions import NoReverseMatch, Resolver404
from microdj.urls.resolvers import (
    ResolverMatch,
    URLPattern,
    URLResolver,
    get_ns_resolver,
    get_resolver,
)
from microdj.urls.utils import get_callable, get_mod_func

__all__ = [
    "NoReverseMatch",
    "Resolver404",
    "ResolverMatch",
    "URLPattern",
    "URLResolver",
    "clear_script_prefix",
    "clear_url_caches",
    "get_callable",
    "get_mod_func",
    "get_ns_resolver",
    "get_resolver",
    "get_script_prefix",
    "get_urlconf",
    "include",
    "is_valid_path",
    "path",
    "re_path",
    "register_converter",
    "resolve",
    "reverse",
    "reverse_lazy",
    "set_script_prefix",
    "set_urlconf",
]
