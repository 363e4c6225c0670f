"""The middleware chain: exception and template hooks, errors in layers, view results, rebuild, bodies."""

from __future__ import annotations

import gc
import inspect

import pytest

from microdj.asgi import get_asgi_application
from microdj.core.exceptions import ImproperlyConfigured
from microdj.test import override_settings
from tests.core import urls_middleware
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
from tests.support.asgi import call

# -- process_exception ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/fail/", "/async-fail/"])
@pytest.mark.parametrize(
    ("handler", "called"),
    [
        ("inline", ["exception-hook inline"]),
        ("thread", ["exception-hook inline", "exception-hook thread"]),
        ("async-hooks", ["exception-hook inline", "exception-hook thread", "exception-hook async-hooks"]),
    ],
)
def test_exception_hooks_run_innermost_first_until_one_answers(path, handler, called):
    response = get(f"{path}?handle={handler}", *ASYNC_PATH_HOOKS)
    assert response.status_code == 299
    assert response.content == f"{handler} handled ValueError: view failure".encode()
    assert [label for label in labels() if label.startswith("exception-hook")] == called


def test_exception_hooks_modes_on_the_async_path():
    get("/async-fail/?handle=none", *ASYNC_PATH_HOOKS)
    loop_thread = event("view async")[1]
    assert event("exception-hook inline")[1:] == (loop_thread, True)
    assert event("exception-hook async-hooks")[1:] == (loop_thread, True)
    assert event("exception-hook thread")[2] is False


@pytest.mark.parametrize("path", ["/fail/", "/async-fail/"])
@pytest.mark.parametrize("handler", ["sync-hooks", "async-hooks"])
def test_exception_hooks_on_the_sync_path(path, handler):
    response = get(f"{path}?handle={handler}", *SYNC_PATH_HOOKS)
    assert response.status_code == 299
    assert response.content == f"{handler} handled ValueError: view failure".encode()
    worker = event("sync-hooks:in")[1]
    assert event("exception-hook sync-hooks")[1:] == (worker, False)
    if handler == "async-hooks":
        assert event("exception-hook async-hooks")[2] is True


@pytest.mark.parametrize("stack", [ASYNC_PATH_HOOKS, SYNC_PATH_HOOKS])
def test_no_exception_hook_answering_gives_a_500(stack):
    with client_for(*stack, raise_request_exception=True) as client:
        with pytest.raises(ValueError, match="^view failure$"):
            client.get("/fail/")
    response = get("/fail/", *stack)
    assert response.status_code == 500
    assert response.content == b"custom 500"
    # The outer layer sees the 500 as a response.
    assert labels()[-1] == "async-hooks:out 500"


# -- process_template_response -------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", [("TemplateHook",), ("TemplateHook", "SyncA")], ids=["async", "sync"])
@pytest.mark.parametrize("path", ["/deferred/", "/async-deferred/"])
@pytest.mark.parametrize(
    ("query", "content"),
    [
        ("", "rendered: {text} (hooked=True)"),
        ("render=none", "rendered: {text} (hooked=True)"),
        ("render=new", "new response from render: {text}"),
        ("tr=new", "rendered: made by the hook (hooked=False)"),
    ],
)
def test_template_response_hooks_then_render(stack, path, query, content):
    text = "from the view" if path == "/deferred/" else "from the async view"
    response = get(f"{path}?{query}", *stack)
    assert response.status_code == 200
    assert response.content == content.format(text=text).encode()
    assert labels().index("template-hook") < labels().index("render")


@pytest.mark.parametrize("stack", [("TemplateHook",), ("TemplateHook", "SyncA")], ids=["async", "sync"])
def test_template_response_hook_returning_none_is_a_500(stack):
    with client_for(*stack, raise_request_exception=True) as client:
        with pytest.raises(ValueError) as info:
            client.get("/deferred/?tr=none")
    assert str(info.value) == (
        "TemplateHook.process_template_response didn't return an HttpResponse object. "
        "It returned None instead."
    )


def test_plain_responses_skip_the_template_hooks():
    response = get("/sync/", "TemplateHook")
    assert response.content == b"sync view"
    assert "template-hook" not in labels()


def test_deferred_response_is_rendered_without_template_middleware():
    response = get("/deferred/")
    assert response.content == b"rendered: from the view (hooked=False)"


def test_render_error_goes_through_exception_hooks():
    response = get("/deferred/?render=raise&handle=inline", "InlineHooks", "TemplateHook")
    assert response.content == b"inline handled RuntimeError: render failed"


@pytest.mark.filterwarnings("ignore:coroutine 'AsyncRenderResponse.render' was never awaited:RuntimeWarning")
def test_async_render_is_awaited():
    with client_for("TemplateHook") as client:
        try:
            outcome = client.get("/async-render/").content
        except AttributeError as error:
            # Today: the coroutine reaches the ASGI layer, which fails on it.
            outcome = repr(error)
    gc.collect()
    assert outcome == b"rendered asynchronously"


# -- exceptions raised in layers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "raiser", "outer"),
    [
        (("SyncA", "AsyncB"), "async-b", "sync-a"),
        (("AsyncA", "SyncB"), "sync-b", "async-a"),
        (("SyncA", "SyncB"), "sync-b", "sync-a"),
        (("AsyncA", "AsyncB"), "async-b", "async-a"),
    ],
)
@pytest.mark.parametrize(
    ("exc", "status", "content"),
    [
        ("404", 404, b"custom 404: raised by a middleware"),
        ("403", 403, b"custom 403: no entry"),
        ("400", 400, b"custom 400: bad middleware input"),
        ("500", 500, b"custom 500"),
    ],
)
def test_exception_in_a_layer_becomes_a_response_the_outer_layer_sees(
    stack, raiser, outer, exc, status, content
):
    response = get(f"/sync/?raise_in={raiser}&exc={exc}", *stack)
    assert response.status_code == status
    assert response.content == content
    assert labels() == [f"{outer}:in", f"{raiser}:in", f"{outer}:out {status}"]


def test_server_error_in_a_layer_is_raised_by_the_test_client():
    with client_for("SyncA", raise_request_exception=True) as client:
        with pytest.raises(RuntimeError, match="^middleware failure$"):
            client.get("/sync/?raise_in=sync-a&exc=500")


@pytest.mark.parametrize(
    ("stack", "query"),
    [
        (("AsyncA", "SyncA"), "raise_in=sync-a&exc=aborted"),
        (("SyncA", "AsyncA"), "raise_in=async-a&exc=aborted"),
        ((), ""),
    ],
)
def test_request_aborted_propagates_and_nothing_is_sent(stack, query):
    path = "/sync/" if stack else "/raise/aborted/"
    with override_settings(MIDDLEWARE=[MW + name for name in stack], ROOT_URLCONF=URLCONF):
        app = get_asgi_application()
        result = call(app, "GET", path, query=query.encode())
    assert result["messages"] == []
    assert not [label for label in labels() if ":out" in label]


# -- what a view returns -------------------------------------------------------------------------------------

_NOT_A_RESPONSE = "didn't return an HttpResponse object. It returned"


@pytest.mark.parametrize("stack", [(), ("SyncA",), ("AsyncA",)], ids=["bare", "sync-path", "async-path"])
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/none/", f"The view tests.core.urls_middleware.returns_none {_NOT_A_RESPONSE} None instead."),
        (
            "/async-none/",
            f"The view tests.core.urls_middleware.async_returns_none {_NOT_A_RESPONSE} None instead.",
        ),
        (
            "/coroutine/",
            f"The view tests.core.urls_middleware.returns_coroutine {_NOT_A_RESPONSE} an unawaited coroutine "
            "instead. You may need to add an 'await' into your view.",
        ),
        (
            "/awaitable/",
            f"The view tests.core.urls_middleware.returns_awaitable {_NOT_A_RESPONSE} an unawaited coroutine "
            "instead. You may need to add an 'await' into your view.",
        ),
        ("/string/", f"The view tests.core.urls_middleware.returns_string {_NOT_A_RESPONSE} a str instead."),
        ("/cbv-none/", f"The view tests.core.urls_middleware.NoneView {_NOT_A_RESPONSE} None instead."),
        ("/callable/", f"The view tests.core.urls_middleware.CallableView {_NOT_A_RESPONSE} a int instead."),
    ],
)
def test_view_not_returning_a_response_is_a_clear_500(stack, path, message):
    with client_for(*stack, raise_request_exception=True) as client:
        with pytest.raises(ValueError) as info:
            client.get(path)
        assert str(info.value) == message
        client.raise_request_exception = False
        assert client.get(path).status_code == 500


def test_unawaited_coroutine_is_closed():
    urls_middleware.COROUTINES.clear()
    assert get("/coroutine/").status_code == 500
    (coroutine,) = urls_middleware.COROUTINES
    assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CLOSED


# -- rebuild on settings changes -----------------------------------------------------------------------------


def test_broken_urlconf_answers_every_request_with_500_until_restored():
    with client_for() as client:
        assert client.get("/sync/").status_code == 200
        with override_settings(ROOT_URLCONF="tests.urls.urlconf_nopatterns"):
            assert client.get("/sync/").status_code == 500
            assert client.get("/async/").status_code == 500
            client.raise_request_exception = True
            with pytest.raises(ImproperlyConfigured, match="urlconf_nopatterns"):
                client.get("/sync/")
            client.raise_request_exception = False
        assert client.get("/sync/").content == b"sync view"


def test_broken_middleware_setting_answers_500_until_restored():
    with client_for("SyncA", raise_request_exception=True) as client:
        assert client.get("/sync/").status_code == 200
        with override_settings(MIDDLEWARE=[MW + "Neither"]):
            with pytest.raises(ImproperlyConfigured, match="Neither must have"):
                client.get("/sync/")
        EVENTS.clear()
        assert client.get("/sync/").status_code == 200
        assert labels() == ["sync-a:in", "view sync", "sync-a:out 200"]


def test_middleware_setting_change_rebuilds_the_chain():
    with client_for("SyncA") as client:
        client.get("/sync/")
        assert labels()[0] == "sync-a:in"
        EVENTS.clear()
        with override_settings(MIDDLEWARE=[MW + "AsyncB"]):
            client.get("/sync/")
        assert labels() == ["async-b:in", "view sync", "async-b:out 200"]


def test_rebuild_drops_the_hooks_of_the_old_chain():
    with client_for("ThreadHooks") as client:
        client.get("/sync/")
        assert "view-hook thread" in labels()
        EVENTS.clear()
        with override_settings(MIDDLEWARE=[]):
            client.get("/sync/")
        assert labels() == ["view sync"]


# -- bodies for async views ----------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", [(), ("SyncA",)], ids=["async-path", "sync-path"])
def test_async_view_reads_a_urlencoded_and_a_multipart_body_with_the_sync_api(stack):
    with client_for(*stack) as client:
        urlencoded = client.post("/async-post/", "a=1&b=2", content_type="application/x-www-form-urlencoded")
        multipart = client.post("/async-post/", {"c": "3"})
        put = client.put("/async-post/", b"raw")
    assert urlencoded.json() == {"POST": {"a": "1", "b": "2"}, "body": "a=1&b=2"}
    assert multipart.json()["POST"] == {"c": "3"}
    assert put.json() == {"POST": {}, "body": "raw"}


def test_async_view_body_is_read_without_a_limit():
    with client_for(DATA_UPLOAD_MAX_MEMORY_SIZE=None) as client:
        response = client.put("/async-post/", b"x" * 100)
    assert response.json()["body"] == "x" * 100


def test_async_view_body_without_content_length_is_read():
    with override_settings(ROOT_URLCONF=URLCONF):
        app = get_asgi_application()
        result = call(app, "PUT", "/async-post/", chunks=(b"ab", b"cd"))
    assert result["status"] == 200
    assert b'"body": "abcd"' in result["body"]


@pytest.mark.parametrize("stack", [(), ("SyncA",)], ids=["async-path", "sync-path"])
def test_async_view_body_over_the_limit_is_left_unread_and_reading_it_is_413(stack):
    with client_for(*stack, DATA_UPLOAD_MAX_MEMORY_SIZE=10) as client:
        response = client.post(
            "/async-post/", "a=" + "x" * 20, content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 413
