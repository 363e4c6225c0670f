"""URLconf building stays bounded: include cycles, deep nesting and exponential fan-out."""

import tracemalloc

import pytest

from microdj.urls import NoReverseMatch, Resolver404, URLResolver, get_resolver, include, path
from microdj.urls.matcher import MAX_DEPTH, MAX_ENTRIES
from microdj.urls.resolvers import RegexPattern
from tests.urls import views


def test_two_module_include_cycle_builds_and_resolves_at_any_depth():
    resolver = get_resolver("tests.urls.urlconf_cycle_a")
    assert len(resolver._matcher.entries) < 50
    match = resolver.resolve("/to-b/to-a/to-b/to-a/to-b/b/7/")
    assert match.func is views.detail
    assert match.kwargs == {"pk": 7}
    assert match.route == "to-b/to-a/to-b/to-a/to-b/b/<int:pk>/"
    assert resolver.resolve("/to-b/to-a/a/").url_name == "a-index"
    assert resolver.resolve("/ns-b/to-a/ns-b/b/1/").namespaces == ["nsb", "nsb"]
    with pytest.raises(Resolver404):
        resolver.resolve("/to-b/to-a/to-b/nothing/")


def test_include_cycle_reverses_to_urls_that_resolve_back():
    # Django's reverse() fails with a KeyError inside a cycle of includes without namespaces; microdj
    # stops its walk where the cycle closes. The order of candidates is Django's (a later include first).
    resolver = get_resolver("tests.urls.urlconf_cycle_a")
    assert resolver.reverse("a-index") == "to-b/to-a/a/"
    assert resolver.resolve("/to-b/to-a/a/").url_name == "a-index"
    assert resolver.reverse("b-detail", pk=3) == "to-b/b/3/"
    assert resolver.reverse_in("b-detail", "/", (), {"pk": 3}) == "/to-b/b/3/"
    with pytest.raises(NoReverseMatch):
        resolver.reverse("missing")


def _chain(depth: int) -> list:
    patterns = [path("leaf/<int:pk>/", views.detail, name="leaf")]
    for level in range(depth):
        patterns = [path(f"l{level}/", include(patterns)), path(f"x{level}/", views.index)]
    return patterns


def test_deep_urlconf_flattens_up_to_the_depth_bound_and_resolves_below_it():
    depth = MAX_DEPTH * 3
    resolver = URLResolver(RegexPattern(r"^/"), _chain(depth))
    resolver.check()
    assert len(resolver._matcher.entries) <= depth + 2
    url = "/" + "".join(f"l{level}/" for level in reversed(range(depth))) + "leaf/5/"
    match = resolver.resolve(url)
    assert match.func is views.detail
    assert match.kwargs == {"pk": 5}
    assert resolver.reverse("leaf", pk=5) == url[1:]


def test_exponential_fan_out_is_capped_in_entries_and_memory():
    patterns = [path(f"p{i}/", views.index) for i in range(4)]
    for _ in range(10):  # 4 * 4**10 leaves if flattened fully
        patterns = [path(f"n{i}/", include(patterns)) for i in range(4)]
    resolver = URLResolver(RegexPattern(r"^/"), patterns)
    tracemalloc.start()
    try:
        resolver._build_matcher()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(resolver._matcher.entries) <= MAX_ENTRIES + 4 * 10
    assert peak < 200 * 1024 * 1024
    assert resolver.resolve("/n3/n2/n1/n0/n3/n2/n1/n0/n3/n2/p1/").func is views.index


def test_self_including_list_behind_a_prefix_that_cannot_be_flattened():
    from microdj.urls import re_path

    patterns = [path("end/", views.index, name="end")]
    patterns.append(re_path(r"^loop(?<=p)/", include(patterns)))  # a look-behind: resolved level by level
    resolver = URLResolver(RegexPattern(r"^/"), patterns)
    resolver.check()
    assert resolver.resolve("/loop/loop/loop/end/").url_name == "end"
    assert resolver.reverse("end") == "loop/end/"  # the later include first, as Django orders them
    with pytest.raises(Resolver404):
        resolver.resolve("/loop/nothing/")


def test_system_checks_walk_an_include_cycle_once():
    from microdj.core.checks.urls import check_url_config
    from microdj.test import override_settings

    with override_settings(ROOT_URLCONF="tests.urls.urlconf_cycle_a"):
        assert isinstance(check_url_config(), list)
