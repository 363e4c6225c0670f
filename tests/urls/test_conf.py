"""path(), re_path() and include(): what they build and the mistakes they refuse at import time."""

import pytest

from microdj.core.exceptions import ImproperlyConfigured
from microdj.urls import URLPattern, URLResolver, include, path, re_path
from tests.urls import urlconf_shop, views


def test_path_builds_pattern():
    pattern = path("a/<int:n>/", views.detail, {"x": 1}, name="a")
    assert isinstance(pattern, URLPattern)
    assert (pattern.callback, pattern.default_args, pattern.name) == (views.detail, {"x": 1}, "a")
    assert pattern.pattern.regex.pattern == r"^a/(?P<n>[0-9]+)/\Z"
    assert re_path(r"^b/$", views.index).pattern.regex.pattern == "^b/$"


def test_include_forms():
    by_name = include("tests.urls.urlconf_shop")
    assert by_name == (urlconf_shop, "shop", "shop")
    assert include(urlconf_shop, namespace="store") == (urlconf_shop, "shop", "store")
    patterns = [path("", views.index)]
    assert include(patterns) == (patterns, None, None)
    assert include((patterns, "app"), namespace="inst") == (patterns, "app", "inst")
    assert include((patterns, "app")) == (patterns, "app", "app")
    resolver = path("p/", include((patterns, "app")), {"k": 1})
    assert isinstance(resolver, URLResolver)
    assert (resolver.app_name, resolver.namespace, resolver.default_kwargs) == ("app", "app", {"k": 1})


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: include([], namespace="ns"), "namespace in include\\(\\) without providing an app_name"),
        (lambda: include(([], "a", "b")), "Passing a 3-tuple to include\\(\\) is not supported"),
        (lambda: include(([], "a", "b"), namespace="x"), "Cannot override the namespace"),
        (lambda: path(123, views.index), "URL route 123 must be a string"),
        (lambda: re_path(123, views.index), "URL regex 123 must be a string"),
        (lambda: path("a/", "views.index"), "must be a callable or an include"),
        (lambda: path("a/", [path("b/", views.index)]), "wrap them in include"),
        (lambda: path("a/", views.index, kwargs=[1]), "must be a dict, but got list"),
        (lambda: path("a/", views.CBV), "pass CBV.as_view\\(\\) instead of CBV"),
        (lambda: path("a/", views.CBV()), "pass CBV.as_view\\(\\), not CBV\\(\\)"),
        (lambda: path("<bogus:x>/", views.index), "uses invalid converter 'bogus'"),
        (lambda: path("<int:1x>/", views.index), "isn't a valid Python identifier"),
        (lambda: path("<int: x>/", views.index), "cannot contain whitespace"),
        (lambda: path("<int:x>/<int:x>/", views.index), "is not a valid regular expression"),
        (lambda: re_path(r"^(unclosed/$", views.index), "is not a valid regular expression"),
    ],
)
def test_mistakes_raise_improperly_configured(call, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        call()
