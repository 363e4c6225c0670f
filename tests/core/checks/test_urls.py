"""URL checks: each warning of Django's with its id, microdj's W101/W102, and a clean URLconf."""

from microdj.core.checks import Error, Warning
from microdj.core.checks.urls import (
    check_custom_error_handlers,
    check_url_config,
    check_url_namespaces_unique,
    check_url_settings,
)

WARNINGS = "tests.core.checks.urlconf_warnings"
CLEAN = "tests.core.checks.urlconf_clean"


def ids(messages):
    return sorted(m.id for m in messages)


def by_id(messages, ident):
    return [m for m in messages if m.id == ident]


def test_each_pattern_warning(override):
    override(ROOT_URLCONF=WARNINGS)
    found = check_url_config()
    assert ids(found) == sorted(
        [
            "urls.W002",
            "2_0.W001",
            "urls.W010",
            "urls.W010",
            "urls.W001",
            "urls.W003",
            "urls.W101",
            "urls.W102",
            "urls.W102",
        ]
    )
    assert "'/lead/' [name='lead'] has a route beginning with a '/'" in by_id(found, "urls.W002")[0].msg
    assert "'^caret/' [name='caret']" in by_id(found, "2_0.W001")[0].msg
    brackets = sorted(m.msg for m in by_id(found, "urls.W010"))
    assert "unmatched '<'" in brackets[0] + brackets[1] and "unmatched '>'" in brackets[0] + brackets[1]
    assert "'^inc/$' uses include()" in by_id(found, "urls.W001")[0].msg
    assert "[name='has:colon'] has a name including a ':'" in by_id(found, "urls.W003")[0].msg
    slash = by_id(found, "urls.W101")[0]
    assert (
        "'about'" in slash.msg and slash.hint == "Write the route as 'about/', or set APPEND_SLASH = False."
    )
    twice, same = sorted(by_id(found, "urls.W102"), key=lambda m: m.msg, reverse=True)
    # 'three/<int:pk>/' takes other arguments, so reverse() can tell it apart.
    assert "'twice' is given to 2 patterns" in twice.msg and "three" not in twice.msg
    assert "'same:leaf' is given to 2 patterns" in same.msg and "('ns1/leaf/', 'ns2/leaf/')" in same.msg


def test_slash_warnings_need_append_slash(override):
    override(ROOT_URLCONF=WARNINGS, APPEND_SLASH=False)
    found = ids(check_url_config())
    assert "urls.W002" not in found and "urls.W101" not in found


def test_duplicate_namespaces(override):
    override(ROOT_URLCONF=WARNINGS)
    assert check_url_namespaces_unique() == [
        Warning(
            "URL namespace 'same' isn't unique. You may not be able to reverse all URLs in it.",
            id="urls.W005",
        )
    ]


def test_error_handler_signatures(override):
    override(ROOT_URLCONF=WARNINGS)
    assert check_custom_error_handlers() == [
        Error(
            "The custom handler404 view 'tests.core.checks.urlconf_warnings.bad_handler404' does not take "
            "the right arguments (request, exception).",
            id="urls.E007",
        )
    ]


def test_clean_urlconf_has_nothing(override):
    override(ROOT_URLCONF=CLEAN)
    assert check_url_config() == []
    assert check_url_namespaces_unique() == []
    assert check_custom_error_handlers() == []


def test_nothing_without_a_urlconf(override):
    override(ROOT_URLCONF=None)
    assert check_url_config() == check_url_namespaces_unique() == check_custom_error_handlers() == []


def test_static_and_media_urls_end_with_a_slash(override):
    assert check_url_settings() == []
    override(STATIC_URL="/static", MEDIA_URL="/media/")
    assert check_url_settings() == [Error("The STATIC_URL setting must end with a slash.", id="urls.E006")]
