"""The same URLconf built with django.urls and microdj.urls must resolve and reverse identically.

Django's settings are configured by tests/conftest.py; every call here passes its URLconf explicitly.
"""

import uuid

import django.urls
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microdj.urls
from microdj.urls import converters as microdj_converters
from tests.urls import views


class EvenConverter:
    """Accepts any digits, but refuses odd numbers in to_python (ValueError: try the next pattern)."""

    regex = "[0-9]+"

    def to_python(self, value):
        if int(value) % 2:
            raise ValueError("odd")
        return int(value)

    def to_url(self, value):
        if int(value) % 2:
            raise ValueError("odd")
        return str(value)


if "even" not in microdj_converters.get_converters():
    microdj.urls.register_converter(EvenConverter, "even")
if "even" not in django.urls.converters.get_converters():
    django.urls.register_converter(EvenConverter, "even")

# (kind, route, view, name, kwargs) or ("include", kind, route, spec, app_name, namespace, kwargs)
SPEC = [
    ("path", "", views.index, "index", None),
    ("path", "about/", views.other, "about", {"page": "about"}),
    ("path", "<slug:page>/", views.detail, "page", None),  # dynamic before static: wins for its slugs
    ("path", "contact/", views.index, "contact", None),  # shadowed by <slug:page>/
    ("path", "n/<even:num>/", views.detail, "even", None),
    ("path", "n/<int:num>/", views.other, "odd", None),  # gets the odd numbers
    ("path", "n/<int:num>/x/", views.other, "n-x", None),
    ("path", "u/<uuid:uid>/", views.detail, "uuid", None),
    ("path", "f/<path:rest>", views.detail, "files", None),
    ("path", "s/<str:a>-<str:b>/", views.detail, "dash", None),
    ("path", "sp ace/<str:q>/", views.detail, "space", None),
    ("re", r"^archive/(\d{4})/(\d{2})/$", views.other, "archive", None),
    ("re", r"^mixed/(?P<a>\d+)/(\d+)/$", views.other, "mixed", None),
    ("re", r"^opt/(?:page-(?P<n>\d+)/)?$", views.detail, "opt", None),
    ("re", r"^prefix/", views.other, "prefix", None),
    ("re", r"loose/(?P<x>[a-z]+)/", views.detail, "loose", None),
    ("re", r"^end/(?P<x>[a-z]+)$", views.detail, "end", None),
    ("re", r"^alt/(a|b)/$", views.other, "alt", None),
    (
        "include",
        "path",
        "blog/",
        [
            ("path", "", views.index, "blog-index", None),
            ("path", "<int:year>/", views.detail, "blog-year", {"kind": "year"}),
            ("path", "<int:year>/<slug:slug>/", views.detail, "post-detail", None),
            ("re", r"^re/(?P<year>\d+)/$", views.detail, "blog-re", None),
        ],
        None,
        None,
        {"section": "blog"},
    ),
    (
        "include",
        "path",
        "team/<slug:team>/",
        [
            ("path", "", views.index, "team-home", None),
            ("path", "member/<int:pk>/", views.detail, "member", {"section": "override"}),
            (
                "include",
                "re",
                r"^deep/(?P<level>\d+)/",
                [
                    ("path", "leaf/", views.other, "leaf", None),
                    ("re", r"^(\d+)/$", views.other, "deep-num", None),
                ],
                "deepapp",
                "deep",
                None,
            ),
        ],
        "teams",
        "teams",
        {"section": "team"},
    ),
    (
        "include",
        "path",
        "team2/<slug:team>/",
        [("path", "", views.index, "team-home", None)],
        "teams",
        "teams2",
        None,
    ),
    (
        "include",
        "re",
        r"^args/(\d+)/",
        [
            ("re", r"^(\d+)/$", views.other, "args-both", None),
            ("path", "k/<int:k>/", views.other, "args-k", None),
        ],
        None,
        None,
        None,
    ),
    (
        "include",
        "path",
        "greedy/<path:p>/",
        [("path", "x/", views.other, "greedy-x", None)],
        None,
        None,
        None,
    ),
    (
        "include",
        "re",
        r"^(?P<lang>[a-z]{2})/",
        [("path", "home/", views.index, "lang-home", None)],
        None,
        None,
        None,
    ),
    ("re", r"^colou?r/(?P<c>[a-z]+)/$", views.detail, "colour", None),
    ("re", r"^nn/(?P<a>x)?(?P<b>y)?/$", views.detail, "nn", None),
    ("include", "path", "", [("path", "inner-empty/", views.index, "inner-empty", None)], None, None, None),
    (
        "include",
        "path",
        "outer/<int:o>/",
        [
            (
                "include",
                "path",
                "in/",
                [("path", "<slug:s>/", views.detail, "in-s", None)],
                "inapp",
                "inns",
                None,
            )
        ],
        None,
        None,
        {"outer": True},
    ),
    ("path", "cls/", views.class_view, None, None),
    ("path", "partial/", views.partial_view, "partial", None),
    ("path", "cbv/", views.CBV.as_view(), "cbv", None),
    ("path", "about/", views.index, "about", None),  # duplicate name: reverse() picks the last fitting one
    ("re", r"^top/$|^other-top/$", views.other, "top-alt", None),  # a top-level '|': not flattened
]


# Patterns Django cannot reverse (reverse() then raises ValueError for every name): resolve tests only.
UNREVERSIBLE = [
    ("re", r"^(?i:caseless)/$", views.other, "caseless", None),
    ("re", r"^lb/(?<=/)x/$", views.other, "lookbehind", None),
    ("re", r"^atomic/(?>a+)b/$", views.other, "atomic", None),
]


def build(lib, spec):
    patterns = []
    for item in spec:
        if item[0] == "include":
            _, kind, route, sub, app_name, namespace, kwargs = item
            arg = (build(lib, sub), app_name) if app_name else build(lib, sub)
            func = lib.path if kind == "path" else lib.re_path
            patterns.append(func(route, lib.include(arg, namespace=namespace), kwargs))
        else:
            kind, route, view, name, kwargs = item
            func = lib.path if kind == "path" else lib.re_path
            patterns.append(func(route, view, kwargs, name))
    return patterns


class Conf:
    """A hashable URLconf object (get_resolver() caches by URLconf)."""

    def __init__(self, urlpatterns):
        self.urlpatterns = urlpatterns


DJANGO_CONF = Conf(build(django.urls, SPEC))
MICRODJ_CONF = Conf(build(microdj.urls, SPEC))
# Unflattenable patterns early on: everything after them goes through the nested walk.
DJANGO_OPAQUE_CONF = Conf(build(django.urls, SPEC[:20] + UNREVERSIBLE + SPEC[20:]))
MICRODJ_OPAQUE_CONF = Conf(build(microdj.urls, SPEC[:20] + UNREVERSIBLE + SPEC[20:]))

PATHS = [
    "/",
    "",
    "no-slash",
    "/about/",
    "/contact/",
    "/hello/",
    "/hello",
    "/n/4/",
    "/n/5/",
    "/n/5/x/",
    "/n/4/x/",
    "/n/abc/",
    f"/u/{uuid.UUID(int=7)}/",
    "/u/NOT-A-UUID/",
    "/f/a/b/c.txt",
    "/f/",
    "/s/x-y-z/",
    "/sp ace/q/",
    "/archive/2024/05/",
    "/archive/2024/5/",
    "/mixed/1/2/",
    "/opt/",
    "/opt/page-3/",
    "/prefix/anything/here",
    "/xx/loose/abc/tail",
    "/end/abc",
    "/end/abc/",
    "/end/abc\n",
    "/alt/a/",
    "/alt/c/",
    "/top/",
    "/other-top/",
    "/CASELESS/",
    "/lb/x/",
    "/atomic/aab/",
    "/atomic/b/",
    "/blog/",
    "/blog/2024/",
    "/blog/2024/my-post/",
    "/blog/re/12/",
    "/blog/nope/",
    "/team/red/",
    "/team/red/member/3/",
    "/team/red/deep/7/leaf/",
    "/team/red/deep/7/8/",
    "/team/red/deep/x/leaf/",
    "/team2/blue/",
    "/args/1/2/",
    "/args/1/k/3/",
    "/greedy/a/x/",
    "/greedy/a/b/x/",
    "/en/home/",
    "/cls/",
    "/color/red/",
    "/colour/red/",
    "/colr/red/",
    "/nn/y/",
    "/nn//",
    "/nn/xy/",
    "/inner-empty/",
    "/outer/3/in/abc/",
    "/partial/",
    "/cbv/",
    "/über/",
    "/a%20b/",
    "//double/",
    "/nothing/matches/here/",
]


def outcome(resolver, path):
    """Everything observable about resolving ``path``, in library-independent terms."""
    try:
        match = resolver.resolve(path)
    except Exception as exc:  # noqa: BLE001 - whatever either library raises is compared
        info = exc.args[0]
        tried = (
            [[str(p.pattern) for p in chain] for chain in info.get("tried", [])] if "tried" in info else None
        )
        return ("404", type(exc).__name__, info["path"], tried)
    return (
        match.func,
        match.args,
        match.kwargs,
        match.url_name,
        match.route,
        match.app_names,
        match.app_name,
        match.namespaces,
        match.namespace,
        match.view_name,
        match.captured_kwargs,
        match.extra_kwargs,
        [[str(p.pattern) for p in chain] for chain in match.tried],
        match[0],
        tuple(match)[1:],
        repr(match).replace("django.urls", "microdj.urls"),
    )


def django_resolver():
    return django.urls.get_resolver(DJANGO_CONF)


def microdj_resolver():
    return microdj.urls.get_resolver(MICRODJ_CONF)


@pytest.mark.parametrize("opaque", [False, True], ids=["flat", "opaque"])
@pytest.mark.parametrize("path", PATHS)
def test_resolve_matches_django(path, opaque):
    if opaque:
        expected = outcome(django.urls.get_resolver(DJANGO_OPAQUE_CONF), path)
        actual = outcome(microdj.urls.get_resolver(MICRODJ_OPAQUE_CONF), path)
    else:
        expected = outcome(django_resolver(), path)
        actual = outcome(microdj_resolver(), path)
    if expected[0] == "404":
        assert actual[0] == "404" and actual[1] == "Resolver404"
        assert actual[2:] == expected[2:]
    else:
        assert actual == expected


SEGMENTS = [
    "",
    "a",
    "about",
    "blog",
    "2024",
    "12",
    "5",
    "x",
    "my-post",
    "n",
    "team",
    "red",
    "deep",
    "member",
    "leaf",
    "k",
    "args",
    "greedy",
    "en",
    "f",
    "s",
    "x-y",
    "re",
    "opt",
    "page-3",
    "über",
    "end",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SEGMENTS), max_size=6), st.booleans())
def test_random_paths_match_django(segments, trailing_slash):
    path = "/" + "/".join(segments) + ("/" if trailing_slash and segments else "")
    expected = outcome(django_resolver(), path)
    actual = outcome(microdj_resolver(), path)
    if expected[0] == "404":
        assert actual[0] == "404" and actual[2:] == expected[2:]
    else:
        assert actual == expected


REVERSES = [
    ("index", (), {}, None),
    ("about", (), {}, None),
    ("about", (), {"page": "about"}, None),
    ("about", (), {"page": "other"}, None),
    ("page", ("hello",), {}, None),
    ("page", (), {"page": "a b/ü?&"}, None),
    ("page", (), {"page": "//x"}, None),
    ("even", (4,), {}, None),
    ("even", (5,), {}, None),
    ("odd", (5,), {}, None),
    ("uuid", (uuid.UUID(int=7),), {}, None),
    ("files", (), {"rest": "a/b c.txt"}, None),
    ("dash", (), {"a": "x", "b": "y"}, None),
    ("space", ("q",), {}, None),
    ("archive", ("2024", "05"), {}, None),
    ("archive", ("24", "05"), {}, None),
    ("mixed", (), {"a": 1}, None),
    ("opt", (), {}, None),
    ("opt", (), {"n": 3}, None),
    ("prefix", (), {}, None),
    ("loose", (), {"x": "abc"}, None),
    ("end", (), {"x": "abc"}, None),
    ("alt", ("a",), {}, None),
    ("top-alt", (), {}, None),
    ("blog-index", (), {}, None),
    ("blog-year", (), {"year": 2024}, None),
    ("blog-year", (), {"year": 2024, "kind": "year"}, None),
    ("blog-year", (), {"year": 2024, "kind": "month"}, None),
    ("post-detail", (2024, "my-post"), {}, None),
    ("blog-re", (7,), {}, None),
    ("teams:team-home", (), {"team": "red"}, None),
    ("teams:team-home", (), {"team": "red"}, "teams2"),
    ("teams:team-home", (), {"team": "red"}, "teams"),
    ("teams2:team-home", ("blue",), {}, None),
    ("teams:member", (), {"team": "red", "pk": 3}, None),
    ("teams:deep:leaf", (), {"team": "red", "level": 2}, None),
    ("teams:deepapp:deep-num", ("red", 2, 9), {}, None),
    ("deep:leaf", (), {}, None),
    ("teams:nope:leaf", (), {}, None),
    ("nope:index", (), {}, None),
    ("args-both", (1, 2), {}, None),
    ("args-k", (), {"k": 3}, None),
    ("greedy-x", ("a/b",), {}, None),
    ("lang-home", (), {"lang": "en"}, None),
    ("partial", (), {}, None),
    ("post-detail", (2024,), {}, None),
    ("colour", (), {"c": "red"}, None),
    ("nn", (), {"a": "x"}, None),
    ("nn", (), {}, None),
    ("inner-empty", (), {}, None),
    ("inns:in-s", (), {"o": 1, "s": "x"}, None),
    ("inapp:in-s", (3, "x"), {}, None),
    ("cbv", (), {}, None),
    ("missing-name", (), {}, None),
    (views.detail, (), {"pk": 1}, None),
    (views.detail, (), {"page": "p"}, None),
    (views.class_view, (), {}, None),
    (views.handler, (), {}, None),
]


def reverse_outcome(lib, conf, viewname, args, kwargs, current_app, **extra):
    try:
        return lib.reverse(viewname, conf, args or None, kwargs or None, current_app, **extra)
    except Exception as exc:  # noqa: BLE001 - whatever either library raises is compared
        return (type(exc).__name__, str(exc).replace("django.urls", "microdj.urls"))


@pytest.mark.parametrize(("viewname", "args", "kwargs", "current_app"), REVERSES)
def test_reverse_matches_django(viewname, args, kwargs, current_app):
    expected = reverse_outcome(django.urls, DJANGO_CONF, viewname, args, kwargs, current_app)
    actual = reverse_outcome(microdj.urls, MICRODJ_CONF, viewname, args, kwargs, current_app)
    assert actual == expected


@pytest.mark.parametrize(
    "extra",
    [
        {"query": {"a": "1", "b": ["2", "3"]}},
        {"query": [("q", "x y"), ("q", "z")]},
        {"query": {}},
        {"fragment": "top"},
        {"query": {"a": 1}, "fragment": "f"},
        {"fragment": ""},
    ],
)
def test_reverse_query_and_fragment_match_django(extra):
    expected = reverse_outcome(django.urls, DJANGO_CONF, "index", (), {}, None, **extra)
    assert reverse_outcome(microdj.urls, MICRODJ_CONF, "index", (), {}, None, **extra) == expected


def test_unreversible_pattern_matches_django():
    expected = reverse_outcome(django.urls, DJANGO_OPAQUE_CONF, "index", (), {}, None)
    assert expected == ("ValueError", "Non-reversible reg-exp portion: '(?>'")
    assert reverse_outcome(microdj.urls, MICRODJ_OPAQUE_CONF, "index", (), {}, None) == expected


def test_mixing_args_and_kwargs_matches_django():
    expected = reverse_outcome(django.urls, DJANGO_CONF, "page", ("a",), {"page": "b"}, None)
    assert expected[0] == "ValueError"
    assert reverse_outcome(microdj.urls, MICRODJ_CONF, "page", ("a",), {"page": "b"}, None) == expected
