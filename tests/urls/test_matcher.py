"""The flattened matcher: Django's order and fall-through rules, its regex translation and lazy 404 info."""

import pytest

from microdj.urls import Resolver404, ResolverMatch, get_resolver, include, path, re_path
from microdj.urls.matcher import Matcher, NotFoundInfo, translate_regex
from tests.urls import views


class Conf:
    """An URLconf object."""

    def __init__(self, *urlpatterns):
        self.urlpatterns = list(urlpatterns)


class Odd:
    """Digits, but to_python refuses even numbers."""

    regex = "[0-9]+"

    def to_python(self, value):
        if int(value) % 2 == 0:
            raise ValueError(value)
        return int(value)

    def to_url(self, value):
        return str(value)


@pytest.fixture(scope="module", autouse=True)
def odd_converter():
    from microdj.urls.converters import REGISTERED_CONVERTERS, get_converters, register_converter

    if "odd" not in get_converters():
        register_converter(Odd, "odd")
    yield
    REGISTERED_CONVERTERS.pop("odd", None)
    get_converters.cache_clear()


def matcher(*patterns):
    return get_resolver(Conf(*patterns))._matcher


def test_dynamic_route_before_static_route_wins():
    m = matcher(path("<slug:s>/", views.detail, name="dyn"), path("about/", views.index, name="static"))
    resolver = m.resolver
    assert resolver.resolve("/about/").url_name == "dyn"
    assert "/about/" not in m.static


def test_static_route_before_dynamic_route_wins():
    m = matcher(path("about/", views.index, name="static"), path("<slug:s>/", views.detail, name="dyn"))
    assert m.resolver.resolve("/about/").url_name == "static"
    assert m.resolver.resolve("/other/").url_name == "dyn"
    assert "/about/" in m.static


def test_shadowed_static_route_still_reached_when_converter_refuses():
    resolver = matcher(
        path("<odd:n>/", views.detail, name="odd"),
        path("4/", views.index, name="four"),
        path("<int:n>/", views.other, name="int"),
    ).resolver
    assert resolver.resolve("/3/").url_name == "odd"
    assert resolver.resolve("/4/").url_name == "four"
    assert resolver.resolve("/6/").url_name == "int"
    assert resolver.resolve("/6/").kwargs == {"n": 6}


def test_converter_refusal_in_include_prefix_skips_whole_include():
    resolver = matcher(
        path("<odd:n>/", include([path("a/", views.index, name="odd-a")])),
        path("<int:n>/a/", views.other, name="int-a"),
    ).resolver
    assert resolver.resolve("/3/a/").url_name == "odd-a"
    assert resolver.resolve("/2/a/").url_name == "int-a"


def test_duplicate_static_paths_first_wins():
    m = matcher(path("a/", views.index, name="first"), path("a/", views.other, name="second"))
    assert m.resolver.resolve("/a/").url_name == "first"


def test_include_prefix_is_not_retried_like_django():
    # Django matches the prefix once (greedy) and does not backtrack into it when children fail.
    children = [path("x/", views.other, name="x"), path("", views.index, name="empty")]
    resolver = matcher(path("g/<path:p>/", include(children))).resolver
    match = resolver.resolve("/g/a/x/")
    assert (match.url_name, match.kwargs) == ("empty", {"p": "a/x"})
    with pytest.raises(Resolver404):
        resolver.resolve("/g/a/x/y")


def test_untranslatable_regex_falls_back_to_nested_walk():
    m = matcher(
        re_path(r"^(?i:caps)/$", views.other, name="caps"),
        path("after/", views.index, name="after"),
        path("dyn/<int:n>/", views.detail, name="dyn"),
    )
    assert m.entries[0].regex is None
    assert m.static == {}  # the opaque entry may match anything, so no static shortcut after it
    assert m.resolver.resolve("/CAPS/").url_name == "caps"
    assert m.resolver.resolve("/after/").url_name == "after"
    assert m.resolver.resolve("/dyn/3/").kwargs == {"n": 3}


def test_untranslatable_converter_regex_falls_back():
    class Backref:
        regex = r"(?<=/)a+"

        def to_python(self, value):
            return value

        def to_url(self, value):
            return value

    from microdj.urls.converters import REGISTERED_CONVERTERS, get_converters, register_converter

    register_converter(Backref, "backref")
    try:
        m = matcher(path("b/<backref:v>/", views.detail, name="b"))
    finally:
        REGISTERED_CONVERTERS.pop("backref")
        get_converters.cache_clear()
    assert m.entries[0].regex is None
    assert m.resolver.resolve("/b/aa/").kwargs == {"v": "aa"}


def test_positional_args_fold_like_django():
    resolver = matcher(
        re_path(r"^p/(\d+)/", include([re_path(r"^(\d+)/$", views.other, name="both")])),
        re_path(r"^q/(\d+)/", include([path("<int:k>/", views.other, name="kw")])),
        re_path(r"^r/(\d+)/", include([re_path(r"^(\d+)/$", views.other, name="dflt")]), {"d": 1}),
        re_path(r"^s/(?P<a>\d+)?/?(\d+)?/$", views.other, name="named-none"),
    ).resolver
    assert resolver.resolve("/p/1/2/").args == ("1", "2")
    match = resolver.resolve("/q/1/2/")
    assert (match.args, match.kwargs) == ((), {"k": 2})
    match = resolver.resolve("/r/1/2/")
    assert (match.args, match.kwargs) == (("2",), {"d": 1})
    match = resolver.resolve("/s/3/")
    assert (match.args, match.kwargs, match.captured_kwargs) == ((), {"a": "3"}, {"a": "3"})


def test_lazy_attributes_and_tried():
    resolver = matcher(path("a/", views.index), path("b/<int:n>/", views.detail, name="b")).resolver
    match = resolver.resolve("/b/1/")
    assert match.app_names == [] and match.namespaces == []
    assert [[str(p.pattern) for p in t] for t in match.tried] == [["a/"], ["b/<int:n>/"]]
    assert "tried" in vars(match)  # computed once, then cached
    with pytest.raises(AttributeError):
        match.no_such_attribute  # noqa: B018


def test_lazy_attributes_need_a_fast_matcher_match():
    # On the class they are the descriptors; a match holding no ``_lazy`` data has nothing to fill them from.
    assert not isinstance(ResolverMatch.tried, list)
    bare = object.__new__(ResolverMatch)
    with pytest.raises(AttributeError, match="'ResolverMatch' object has no attribute 'namespaces'"):
        bare.namespaces  # noqa: B018


def test_not_found_info_is_computed_on_first_read():
    resolver = matcher(path("a/", views.index))
    resolver = resolver.resolver
    with pytest.raises(Resolver404) as caught:
        resolver.resolve("/zzz/")
    info = caught.value.args[0]
    assert isinstance(info, NotFoundInfo) and isinstance(info, dict)
    assert info._pending is not None
    assert info["path"] == "zzz/"
    assert info._pending is None
    fresh = [NotFoundInfo(resolver, "/zzz/") for _ in range(9)]
    expected = {"tried": [[resolver.url_patterns[0]]], "path": "zzz/"}
    assert fresh[0].get("path") == "zzz/"
    assert "tried" in fresh[1]
    assert sorted(fresh[2]) == ["path", "tried"]
    assert len(fresh[3]) == 2
    assert sorted(fresh[4].keys()) == ["path", "tried"]
    assert "zzz/" in list(fresh[5].values())
    assert dict(fresh[6].items()) == expected
    assert fresh[7] == expected and not (fresh[7] != expected)  # noqa: SIM202 - __ne__ is under test
    assert "zzz/" in repr(fresh[8])
    with pytest.raises(TypeError):
        hash(fresh[0])


def test_not_found_without_leading_slash():
    resolver = matcher(path("a/", views.index)).resolver
    with pytest.raises(Resolver404) as caught:
        resolver.resolve("a/")
    assert dict(caught.value.args[0]) == {"path": "a/"}


def test_non_root_resolver_and_empty_directory():
    # A resolver whose own pattern is unanchored: entries have no literal prefix at all.
    from microdj.urls.resolvers import RegexPattern, URLResolver

    resolver = URLResolver(RegexPattern(r"x/"), [path("<int:n>/", views.detail, name="n")])
    match = resolver.resolve("abc/x/5/")
    assert match.kwargs == {"n": 5}
    assert Matcher(resolver).root_directory is not None
    with pytest.raises(Resolver404):
        resolver.resolve("abc/x/y/")


def test_many_routes_resolve_from_their_directory():
    patterns = []
    for i in range(300):
        patterns.append(path(f"s{i}/", views.index, name=f"s{i}"))
        patterns.append(path(f"d{i}/<int:a>/<slug:b>/", views.detail, name=f"d{i}"))
    patterns.append(path("api/v1/<int:a>/", views.other, name="api"))
    m = matcher(*patterns)
    assert len(m.static) == 300
    assert m.resolver.resolve("/d299/1/x/").url_name == "d299"
    assert m.resolver.resolve("/s150/").url_name == "s150"
    assert m.resolver.resolve("/api/v1/7/").kwargs == {"a": 7}
    assert len(m.directories["/d299/"][1]) == 2  # [None, entry]: one alternative per directory


@pytest.mark.parametrize(
    ("regex", "keep", "nested", "expected"),
    [
        (r"a(?P<x>b)c", True, False, ("a(b)c", ["x"])),
        (r"a(?P<x>b)c", False, False, ("a(?:b)c", ["x"])),
        (r"(a)(?:b)(?=c)(?!d)(?>e)", True, False, ("(a)(?:b)(?=c)(?!d)(?>e)", [None])),
        (r"[(^)]\(x\)", True, False, (r"[(^)]\(x\)", [])),
        (r"[]a]x", True, False, ("[]a]x", [])),
        (r"[^]a]x", True, False, ("[^]a]x", [])),
        (r"[\b]\Z$", True, False, (r"[\b]\Z$", [])),
        (r"a|b", True, True, ("a|b", [])),
        (r"(a|b)", True, False, ("(a|b)", [None])),
        (r"a|b", True, False, None),
        (r"a^", True, False, None),
        (r"\Aa", True, False, None),
        (r"\ba", True, False, None),
        (r"(a)\1", True, False, None),
        (r"(?<=a)b", True, False, None),
        (r"(?i)a", True, False, None),
        (r"(?P=x)", True, False, None),
        ("a\\", True, False, None),
    ],
)
def test_translate_regex(regex, keep, nested, expected):
    assert translate_regex(regex, keep, nested) == expected
