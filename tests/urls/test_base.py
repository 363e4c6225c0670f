"""reverse(), reverse_lazy(), resolve(), is_valid_path() and the per-task prefix and URLconf."""

import pytest

from microdj.conf import settings
from microdj.http import QueryDict
from microdj.urls import (
    NoReverseMatch,
    Resolver404,
    clear_script_prefix,
    get_script_prefix,
    get_urlconf,
    is_valid_path,
    resolve,
    reverse,
    reverse_lazy,
    set_script_prefix,
    set_urlconf,
)
from tests.urls import views

BASIC = "tests.urls.urlconf_basic"


@pytest.fixture(autouse=True)
def root_urlconf(monkeypatch):
    monkeypatch.setattr(settings, "ROOT_URLCONF", BASIC)


def test_reverse_by_name_and_namespace():
    assert reverse("index") == "/"
    assert reverse("user", args=[5]) == "/users/5/"
    assert reverse("user", kwargs={"pk": 5}) == "/users/5/"
    assert reverse("shop:item", kwargs={"pk": 2}) == "/shop/item/2/"
    assert reverse("shop:index", current_app="shop") == "/shop/"
    assert reverse("post-detail", args=(2024, "hi")) == "/blog/2024/hi/"
    assert reverse(views.index) == "/blog/"  # the last pattern for a view wins, as in Django
    assert reverse("files", kwargs={"rest": "a b/c?d#e"}) == "/files/a%20b/c%3Fd%23e"


def test_reverse_errors():
    with pytest.raises(NoReverseMatch, match="'nope' is not a registered namespace"):
        reverse("nope:index")
    with pytest.raises(NoReverseMatch, match="'x' is not a registered namespace inside 'shop'"):
        reverse("shop:x:index")
    with pytest.raises(NoReverseMatch, match="Reverse for 'user' with no arguments not found. 1 pattern"):
        reverse("user")
    with pytest.raises(ValueError, match="Don't mix"):
        reverse("user", args=[1], kwargs={"pk": 1})


def test_reverse_query_and_fragment():
    assert reverse("index", query={"a": ["1", "2"], "b": "x y"}) == "/?a=1&a=2&b=x+y"
    assert reverse("index", query=QueryDict("a=1&a=2")) == "/?a=1&a=2"
    assert reverse("index", query=QueryDict("")) == "/"
    assert reverse("index", fragment="top") == "/#top"


def test_reverse_with_explicit_urlconf_and_set_urlconf():
    assert reverse("index", urlconf="tests.urls.urlconf_shop") == "/"
    assert reverse("item", urlconf="tests.urls.urlconf_shop", args=[1]) == "/item/1/"
    set_urlconf("tests.urls.urlconf_shop")
    try:
        assert get_urlconf() == "tests.urls.urlconf_shop"
        assert reverse("item", args=[1]) == "/item/1/"
        assert resolve("/item/1/").url_name == "item"
    finally:
        set_urlconf(None)
    assert get_urlconf() is None
    assert get_urlconf("default") == "default"
    set_urlconf(None)  # nothing set: no error


def test_script_prefix():
    assert get_script_prefix() == "/"
    set_script_prefix("/app")
    try:
        assert get_script_prefix() == "/app/"
        assert reverse("user", args=[1]) == "/app/users/1/"
        set_script_prefix("/p%/")
        assert reverse("index") == "/p%25/"
    finally:
        clear_script_prefix()
    assert get_script_prefix() == "/"
    clear_script_prefix()  # nothing set: no error


def test_reverse_lazy():
    url = reverse_lazy("user", args=[3])
    assert repr(url) == "<lazy URL 'user'>"
    assert str(url) == "/users/3/"
    assert url == "/users/3/"
    assert url == reverse_lazy("user", kwargs={"pk": 3})
    assert hash(url) == hash("/users/3/")
    assert len(url) == 9
    assert "users" in url
    assert url + "?x" == "/users/3/?x"
    assert "http://h" + url == "http://h/users/3/"
    assert reverse_lazy("index") % () == "/"
    assert url.startswith("/users")
    assert url.__fspath__() == "/users/3/"
    assert resolve(url).kwargs == {"pk": 3}


def test_resolve_and_is_valid_path():
    assert resolve("/users/1/").kwargs == {"pk": 1}
    assert resolve("/item/1/", urlconf="tests.urls.urlconf_shop").url_name == "item"
    with pytest.raises(Resolver404):
        resolve("/missing/")
    assert is_valid_path("/users/1/").url_name == "user"
    assert is_valid_path("/missing/") is False
