"""Resolvers: ResolverMatch, get_resolver() caching and start-up checks, error handlers."""

import functools
import pickle

import pytest

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured
from microdj.http import Http404
from microdj.urls import (
    Resolver404,
    ResolverMatch,
    URLResolver,
    clear_url_caches,
    get_ns_resolver,
    get_resolver,
    path,
    re_path,
)
from microdj.urls.resolvers import RegexPattern, RoutePattern
from tests.urls import urlconf_basic, views


def test_resolver404_is_http404():
    assert issubclass(Resolver404, Http404)


def test_get_resolver_caches_per_urlconf_and_accepts_module_or_string():
    by_name = get_resolver("tests.urls.urlconf_basic")
    assert get_resolver("tests.urls.urlconf_basic") is by_name
    by_module = get_resolver(urlconf_basic)
    assert by_module is not by_name
    assert by_name.urlconf_module is urlconf_basic
    assert by_module.urlconf_module is urlconf_basic
    assert by_name._matcher is not None  # built (and checked) at once


def test_get_resolver_defaults_to_root_urlconf(monkeypatch):
    monkeypatch.setattr(settings, "ROOT_URLCONF", "tests.urls.urlconf_basic")
    assert get_resolver().urlconf_name == "tests.urls.urlconf_basic"
    assert get_resolver(None) is get_resolver("tests.urls.urlconf_basic")


def test_root_urlconf_change_clears_cache(monkeypatch):
    first = get_resolver("tests.urls.urlconf_basic")
    monkeypatch.setattr(settings, "ROOT_URLCONF", "tests.urls.urlconf_shop")
    assert get_resolver("tests.urls.urlconf_basic") is not first
    second = get_resolver("tests.urls.urlconf_basic")
    monkeypatch.setattr(settings, "DEBUG", settings.DEBUG)  # other settings leave the cache alone
    assert get_resolver("tests.urls.urlconf_basic") is second


def test_root_urlconf_unset(monkeypatch):
    # Set behind the listeners' back: a live handler's listener would rebuild (and fail) at once.
    monkeypatch.setattr(settings._wrapped, "ROOT_URLCONF", None)
    monkeypatch.delitem(settings.__dict__, "ROOT_URLCONF", raising=False)
    with pytest.raises(ImproperlyConfigured, match="ROOT_URLCONF setting is not set"):
        get_resolver()


def test_unhashable_urlconf_is_built_each_time():
    patterns = [path("a/", views.index, name="a")]
    resolver = get_resolver(patterns)
    assert resolver.resolve("/a/").url_name == "a"
    assert get_resolver(patterns) is not resolver


def test_clear_url_caches():
    first = get_resolver("tests.urls.urlconf_basic")
    clear_url_caches()
    assert get_resolver("tests.urls.urlconf_basic") is not first


@pytest.mark.parametrize(
    ("urlconf", "message"),
    [
        ("tests.urls.urlconf_nopatterns", "has no 'urlpatterns'. Add a list of routes"),
        ("tests.urls.urlconf_notiterable", "does not appear to have any patterns in it"),
        ("tests.urls.urlconf_badentry", "invalid entry in urlpatterns"),
        ("tests.urls.urlconf_badhandler", "custom handler404 view"),
    ],
)
def test_misconfigured_urlconf_fails_at_get_resolver(urlconf, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        get_resolver(urlconf)


def test_misconfigured_include_fails_at_get_resolver():
    class Conf:
        urlpatterns = [path("x/", ([], None, None)), path("y/", (object(), None, None))]

    with pytest.raises(ImproperlyConfigured, match="does not appear to have any patterns"):
        get_resolver(Conf())


def test_resolve_error_handler():
    resolver = get_resolver("tests.urls.urlconf_basic")
    assert resolver.resolve_error_handler(404) is views.handler  # dotted path
    assert resolver.resolve_error_handler(500) is views.handler  # callable
    assert resolver.resolve_error_handler(400) is None
    assert resolver.resolve_error_handler(403) is None


def test_resolve_basic_urlconf():
    resolver = get_resolver("tests.urls.urlconf_basic")
    match = resolver.resolve("/shop/item/3/")
    assert (match.func, match.kwargs, match.view_name) == (views.detail, {"pk": 3}, "shop:item")
    assert (match.app_name, match.namespace, match.route) == ("shop", "shop", "shop/item/<int:pk>/")
    match = resolver.resolve("/blog/2024/")
    assert match.kwargs == {"section": "blog", "year": 2024}
    assert match.extra_kwargs == {"section": "blog"}
    assert match.captured_kwargs == {"year": 2024}
    assert resolver.resolve("/archive/2024/05/").args == ("2024", "05")
    lazy_path = type("P", (), {"__str__": lambda self: "/about/"})()
    assert resolver.resolve(lazy_path).kwargs == {"page": "about"}


def test_resolver_match_constructor_and_repr():
    match = ResolverMatch(
        views.detail,
        (),
        {"pk": 1},
        "detail",
        ["app", None, ""],
        ["ns", "inner"],
        "items/<int:pk>/",
        captured_kwargs={"pk": 1},
        extra_kwargs={"x": 2},
    )
    assert (match.app_names, match.app_name) == (["app"], "app")
    assert (match.namespaces, match.namespace, match.view_name) == (
        ["ns", "inner"],
        "ns:inner",
        "ns:inner:detail",
    )
    func, args, kwargs = match
    assert (func, args, kwargs) == (views.detail, (), {"pk": 1})
    assert match[2] == {"pk": 1}
    assert repr(match) == (
        "ResolverMatch(func=tests.urls.views.detail, args=(), kwargs={'pk': 1}, url_name='detail', "
        "app_names=['app'], namespaces=['ns', 'inner'], route='items/<int:pk>/', captured_kwargs={'pk': 1}, "
        "extra_kwargs={'x': 2})"
    )
    with pytest.raises(pickle.PicklingError):
        pickle.dumps(match)


def test_resolver_match_func_paths():
    assert ResolverMatch(views.class_view, (), {}).view_name == "tests.urls.views.ClassView"
    assert ResolverMatch(views.CBV.as_view(), (), {})._func_path == "tests.urls.views.CBV"
    partial = ResolverMatch(views.partial_view, (), {})
    assert partial.view_name == "functools.partial"
    assert repr(partial).startswith("ResolverMatch(func=functools.partial(<function other")
    plain = ResolverMatch(views.index, (), {})
    assert (plain.app_names, plain.namespaces, plain.view_name) == ([], [], "tests.urls.views.index")


def test_url_pattern_repr_and_lookup_str():
    pattern = path("a/", views.index, name="a")
    assert repr(pattern) == "<URLPattern 'a/' [name='a']>"
    assert pattern.lookup_str == "tests.urls.views.index"
    assert path("b/", functools.partial(views.other)).lookup_str == "tests.urls.views.other"
    assert path("c/", views.CBV.as_view()).lookup_str == "tests.urls.views.CBV"
    assert path("d/", views.class_view).lookup_str == "tests.urls.views.ClassView"
    assert repr(re_path(r"^e/$", views.index)) == "<URLPattern '^e/$'>"
    assert path("f/", views.index).resolve("g/") is None


def test_url_resolver_repr():
    inner = [path("a/", views.index)]
    assert repr(URLResolver(RoutePattern("x/"), inner, app_name="app", namespace="ns")) == (
        "<URLResolver <URLPattern list> (app:ns) 'x/'>"
    )
    assert repr(URLResolver(RegexPattern("^/"), "mod.urls")) == "<URLResolver 'mod.urls' (None:None) '^/'>"


def test_resolver_reverse_helpers():
    resolver = get_resolver("tests.urls.urlconf_basic")
    assert resolver.reverse("user", pk=4) == "users/4/"
    assert resolver._reverse_with_prefix("user", "/app/", 4) == "/app/users/4/"
    assert "shop" in resolver.namespace_dict
    assert resolver.app_dict == {"shop": ["shop"]}
    assert "user" in resolver.reverse_dict
    assert views.detail in resolver.reverse_dict


def test_get_ns_resolver():
    shop = get_resolver("tests.urls.urlconf_basic").namespace_dict["shop"][1]
    ns_resolver = get_ns_resolver("shop/", shop, ())
    assert ns_resolver.reverse("item", pk=2) == "shop/item/2/"


def test_pattern_match_details():
    regex = RegexPattern(r"^a/(?P<x>\d+)?/?(\d+)?", is_endpoint=True)
    assert regex.match("a/1/2") == ("", (), {"x": "1"})
    assert regex.match("b/") is None
    unnamed = RegexPattern(r"^a/(\d+)/$", is_endpoint=True)
    assert unnamed.match("a/1/") == ("", ("1",), {})
    assert unnamed.match("a/1/x") is None
    route = RoutePattern("r/<int:n>/", name="r")
    assert route.match("r/5/more") == ("more", (), {"n": 5})
    assert route.describe() == "'r/<int:n>/' [name='r']"
    assert RegexPattern("^x").describe() == "'^x'"
