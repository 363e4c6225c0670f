"""The middleware chain: import_string, loading, order, modes and thread hops, process_view."""

from __future__ import annotations

import logging

import pytest

from microdj.asgi import get_asgi_application
from microdj.core.exceptions import ImproperlyConfigured
from microdj.core.handlers.base import import_string
from microdj.test import Client, override_settings
from tests.core import middleware_samples as samples
from tests.core.chain_support import (  # noqa: F401 - clear_events is an autouse fixture
    ASYNC_PATH_HOOKS,
    MW,
    SYNC_PATH_HOOKS,
    URLCONF,
    clear_events,
    client_for,
    get,
)
from tests.core.middleware_samples import EVENTS, event, labels

# -- import_string -------------------------------------------------------------------------------------------


def test_import_string_returns_the_attribute():
    assert import_string("tests.core.middleware_samples.SyncA") is samples.SyncA


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("nodots", "'nodots' doesn't look like a module path."),
        (
            "tests.core.middleware_samples.Missing",
            "Module 'tests.core.middleware_samples' does not define a 'Missing' attribute.",
        ),
    ],
)
def test_import_string_errors(path, message):
    with pytest.raises(ImportError) as info:
        import_string(path)
    assert str(info.value) == message


def test_unimportable_middleware_fails_at_start_up():
    with override_settings(MIDDLEWARE=["tests.core.middleware_samples.Missing"], ROOT_URLCONF=URLCONF):
        with pytest.raises(ImportError, match="does not define a 'Missing' attribute"):
            Client().get("/sync/")
    with override_settings(MIDDLEWARE=["tests.core.no_such_module.Middleware"], ROOT_URLCONF=URLCONF):
        with pytest.raises(ModuleNotFoundError, match="tests.core.no_such_module"):
            get_asgi_application()


# -- loading -------------------------------------------------------------------------------------------------


def test_middleware_capable_of_neither_mode_is_refused():
    with override_settings(MIDDLEWARE=[MW + "SyncA", MW + "Neither"], ROOT_URLCONF=URLCONF):
        with pytest.raises(ImproperlyConfigured) as info:
            Client().get("/sync/")
    assert str(info.value) == (
        "Middleware tests.core.middleware_samples.Neither must have at least one of "
        "sync_capable/async_capable set to True."
    )


def test_factory_returning_none_is_refused():
    with override_settings(MIDDLEWARE=[MW + "returns_none"], ROOT_URLCONF=URLCONF):
        with pytest.raises(ImproperlyConfigured) as info:
            get_asgi_application()
    assert str(info.value) == "Middleware factory tests.core.middleware_samples.returns_none returned None."


def test_middleware_not_used_is_skipped_and_logged(caplog):
    stack = [MW + "SyncA", MW + "NotUsed", MW + "SyncB"]
    with override_settings(MIDDLEWARE=stack, ROOT_URLCONF=URLCONF, DEBUG=True, ASYNC_SAFETY="off"):
        with caplog.at_level(logging.DEBUG, logger="microdj.request"):
            app = get_asgi_application()
        with Client(app) as client:
            response = client.get("/sync/")
    assert response.content == b"sync view"
    assert labels() == ["sync-a:in", "sync-b:in", "view sync", "sync-b:out 200", "sync-a:out 200"]
    (record,) = [r for r in caplog.records if r.getMessage().startswith("MiddlewareNotUsed")]
    assert record.levelno == logging.DEBUG and record.name == "microdj.request"
    assert (
        record.getMessage() == "MiddlewareNotUsed('tests.core.middleware_samples.NotUsed'): not needed here"
    )


def test_middleware_diagnostics_as_django(caplog):
    stack = [MW + "SyncA", MW + "NotUsed", MW + "AsyncA"]
    with override_settings(MIDDLEWARE=stack, ROOT_URLCONF=URLCONF):
        with caplog.at_level(logging.DEBUG, logger="microdj.request"):
            get_asgi_application()
    assert not caplog.records  # DEBUG off: nothing said
    with override_settings(MIDDLEWARE=stack, ROOT_URLCONF=URLCONF, DEBUG=True, ASYNC_SAFETY="off"):
        with caplog.at_level(logging.DEBUG, logger="microdj.request"):
            get_asgi_application()
    messages = [r.getMessage() for r in caplog.records if r.name == "microdj.request"]
    assert "Asynchronous handler adapted for middleware tests.core.middleware_samples.SyncA." in messages
    assert any(m.startswith("Synchronous handler adapted for") for m in messages)
    with override_settings(MIDDLEWARE=[MW + "Neither"], ROOT_URLCONF=URLCONF):
        with pytest.raises(RuntimeError, match="must have at least one of"):
            get_asgi_application()


def test_innermost_middleware_not_used_still_builds_a_working_chain():
    response = get("/async/", "AsyncA", "NotUsed")
    assert response.content == b"async view"
    assert labels() == ["async-a:in", "view async", "async-a:out 200"]


# -- order ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "path", "expected"),
    [
        (
            ("SyncA", "SyncB"),
            "/sync/",
            ["sync-a:in", "sync-b:in", "view sync", "sync-b:out 200", "sync-a:out 200"],
        ),
        (
            ("AsyncA", "AsyncB"),
            "/async/",
            ["async-a:in", "async-b:in", "view async", "async-b:out 200", "async-a:out 200"],
        ),
        (
            ("AsyncA", "SyncA", "AsyncB", "SyncB"),
            "/sync/",
            [
                "async-a:in",
                "sync-a:in",
                "async-b:in",
                "sync-b:in",
                "view sync",
                "sync-b:out 200",
                "async-b:out 200",
                "sync-a:out 200",
                "async-a:out 200",
            ],
        ),
    ],
)
def test_request_goes_outermost_first_and_response_back_in_reverse(stack, path, expected):
    response = get(path, *stack)
    assert response.status_code == 200
    assert labels() == expected


# -- modes and thread hops -----------------------------------------------------------------------------------


def test_all_async_stack_never_leaves_the_loop_thread():
    response = get("/async/", "AsyncA", "AsyncMarked", "Mixin", "both_function", "AsyncB")
    assert response["X-Mixin"] == "yes"
    assert labels() == [
        "async-a:in",
        "marked:in",
        "mixin:request async",
        "both:in async",
        "async-b:in",
        "view async",
        "async-b:out 200",
        "mixin:response",
        "marked:out",
        "async-a:out 200",
    ]
    assert {ident for _, ident, _ in EVENTS} == {event("async-a:in")[1]}
    assert all(on_loop for _, _, on_loop in EVENTS)


def test_consecutive_sync_middleware_and_a_sync_view_share_one_worker_thread():
    get("/sync/", "AsyncA", "SyncA", "SyncB")
    loop_thread = event("async-a:in")[1]
    worker = event("sync-a:in")[1]
    assert worker != loop_thread
    for label in ("sync-a:in", "sync-b:in", "view sync", "sync-b:out 200", "sync-a:out 200"):
        assert event(label)[1:] == (worker, False)
    assert event("async-a:out 200")[1:] == (loop_thread, True)


def test_async_view_under_sync_middleware_runs_on_the_loop():
    response = get("/async/", "SyncA", "SyncB")
    assert response.content == b"async view"
    worker = event("sync-a:in")[1]
    assert event("sync-b:in")[1:] == (worker, False)
    view_thread, on_loop = event("view async")[1:]
    assert on_loop and view_thread != worker


def test_sync_view_under_async_innermost_middleware_runs_in_a_worker():
    get("/sync/", "SyncA", "AsyncB")
    assert event("async-b:in")[2] is True
    assert event("sync-a:in")[2] is False
    assert event("view sync")[2] is False


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        # Innermost sync: the both-capable layer outside it stays sync, in the same worker thread.
        (("both_function", "SyncA"), "both:in sync"),
        (("Mixin", "SyncA"), "mixin:request sync"),
        # Innermost both-capable: it runs async, on the loop.
        (("SyncA", "both_function"), "both:in async"),
        (("SyncA", "Mixin"), "mixin:request async"),
    ],
)
def test_both_capable_middleware_takes_the_mode_of_its_inner_layer(stack, expected):
    response = get("/sync/", *stack)
    assert response.content == b"sync view"
    label, ident, on_loop = event(expected)
    assert on_loop is expected.endswith("async")
    if not on_loop:
        assert ident == event("sync-a:in")[1]


@pytest.mark.parametrize("stack", [("UrlconfSwitch",), ("UrlconfSwitch", "SyncA")], ids=["async", "sync"])
def test_request_urlconf_set_by_a_middleware_is_used(stack):
    with client_for(*stack) as client:
        assert client.get("/?urlconf=root").content == b"Hello, world!"
        assert client.get("/sync/?urlconf=root").status_code == 404
        assert client.get("/sync/").content == b"sync view"


# -- process_view --------------------------------------------------------------------------------------------


def test_view_hooks_run_outermost_first_each_in_its_mode():
    response = get("/async/", *ASYNC_PATH_HOOKS)
    assert response.content == b"async view"
    assert [label for label in labels() if label.startswith("view")] == [
        "view-hook async-hooks",
        "view-hook thread",
        "view-hook inline",
        "view async",
    ]
    loop_thread = event("view async")[1]
    assert event("view-hook async-hooks")[1:] == (loop_thread, True)
    assert event("view-hook inline")[1:] == (loop_thread, True)
    thread_hook, on_loop = event("view-hook thread")[1:]
    assert not on_loop and thread_hook != loop_thread


@pytest.mark.parametrize(
    ("answering", "called"),
    [
        ("async-hooks", ["view-hook async-hooks"]),
        ("thread", ["view-hook async-hooks", "view-hook thread"]),
        ("inline", ["view-hook async-hooks", "view-hook thread", "view-hook inline"]),
    ],
)
def test_view_hook_answering_skips_the_rest_and_the_view(answering, called):
    response = get(f"/sync/?pv={answering}", *ASYNC_PATH_HOOKS)
    assert response.content == f"process_view of {answering}".encode()
    assert [label for label in labels() if label.startswith("view")] == called


def test_view_hooks_on_the_sync_path():
    response = get("/sync/", *SYNC_PATH_HOOKS)
    assert response.content == b"sync view"
    worker = event("sync-hooks:in")[1]
    assert event("view-hook sync-hooks")[1:] == (worker, False)
    assert event("view sync")[1:] == (worker, False)
    assert event("view-hook async-hooks")[1:] == (event("async-hooks:in")[1], True)


@pytest.mark.parametrize("answering", ["async-hooks", "sync-hooks"])
def test_view_hook_answering_on_the_sync_path(answering):
    response = get(f"/sync/?pv={answering}", *SYNC_PATH_HOOKS)
    assert response.content == f"process_view of {answering}".encode()
    assert "view sync" not in labels()


def test_view_hooks_see_a_post_body_read_for_them():
    with client_for("ThreadHooks") as client:
        response = client.post("/async-post/", {"a": "1"})
    assert response.json()["POST"] == {"a": "1"}
    assert labels() == ["view-hook thread"]
