"""Client and AsyncClient against small raw ASGI applications (the real application: test_client_app)."""

import asyncio
import gc
import json

import pytest

from microdj.core.exceptions import SynchronousOnlyOperation
from microdj.http import HttpResponse, JsonResponse, StreamingHttpResponse
from microdj.test import AsyncClient, Client
from microdj.test.client import RedirectCycleError
from microdj.test.clientbase import response_from_wire
from microdj.test.transport import WireResponse
from tests.support.raw_apps import (
    crashing_app,
    echo_app,
    header_dict,
    lifespan_app,
    redirect_app,
    send_response,
)


# ------------------------------------------------------------------------------------------ requests
def test_get_sends_query_headers_and_returns_a_response_built_from_the_wire():
    with Client(echo_app, headers={"Accept": "text/plain"}) as client:
        response = client.get("/p/", {"a": [1, 2]}, headers={"X-Token": "t"}, HTTP_USER_AGENT="ua")
    assert isinstance(response, HttpResponse)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Multi"] == "a, b"
    data = response.json()
    assert data["method"] == "GET"
    assert data["path"] == "/p/"
    assert data["query"] == "a=1&a=2"
    assert data["scheme"] == "http"
    assert header_dict(data) == {
        "host": "testserver",
        "accept": "text/plain",
        "x-token": "t",
        "user-agent": "ua",
    }
    assert data["test"] == ["enforce_csrf_checks"]
    assert response.json() is response.json()  # parsed once
    assert response.client is client
    assert response.request["PATH_INFO"] == "/p/"
    assert response.request["REQUEST_METHOD"] == "GET"
    assert response.wsgi_request is None and response.asgi_request is None
    assert response.resolver_match is None
    assert response.exc_info is None


def test_secure_and_query_params():
    client = Client(echo_app)
    data = client.get("/s/?ignored=1", secure=True, query_params={"q": "é"}).json()
    client.close()
    assert data["scheme"] == "https"
    assert data["server"] == ["testserver", 443]
    assert data["query"] == "q=%C3%A9"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_body_methods(method):
    with Client(echo_app) as client:
        data = getattr(client, method)("/b/", "payload", content_type="text/plain").json()
    assert data["method"] == method.upper()
    assert data["body"] == "payload"
    assert header_dict(data)["content-type"] == "text/plain"
    assert header_dict(data)["content-length"] == "7"


def test_post_form_and_json():
    with Client(echo_app) as client:
        form = client.post("/f/", {"a": "b"}).json()
        as_json = client.post("/j/", {"a": [1]}, content_type="application/json").json()
    assert header_dict(form)["content-type"] == "multipart/form-data; boundary=BoUnDaRyStRiNg"
    assert 'name="a"\r\n\r\nb' in form["body"]
    assert json.loads(as_json["body"]) == {"a": [1]}


def test_head_and_trace():
    with Client(echo_app) as client:
        head = client.head("/h/", {"q": 1})
        trace = client.trace("/t/")
    assert head.request["REQUEST_METHOD"] == "HEAD"
    assert json.loads(head.content)["query"] == "q=1"  # a raw app may send a body even for HEAD
    assert trace.json()["method"] == "TRACE"


def test_response_from_wire_keeps_exactly_the_headers_sent():
    response = response_from_wire(WireResponse(201, [(b"x-a", b"1")], [b"<p>", b"hi"], True))
    assert (response.status_code, response.content) == (201, b"<p>hi")
    assert dict(response.items()) == {"x-a": "1"}
    assert not response.has_header("Content-Type")
    with pytest.raises(ValueError, match='Content-Type header is "None", not "application/json"'):
        Client(echo_app)._finish({}, {"microdj.test": {}}, WireResponse(200, [], [b"{}"], True)).json()


def test_json_content_type_check_message():
    def app_with(content_type):
        async def app(scope, receive, send):
            await send_response(send, 200, [(b"content-type", content_type)], b'{"a": 1}')

        return app

    with Client(app_with(b"text/plain")) as client, pytest.raises(ValueError, match='"text/plain", not'):
        client.get("/").json()
    with Client(app_with(b"application/problem+json")) as client:
        assert client.get("/").json() == {"a": 1}


def test_unknown_wsgi_keys_are_refused():
    with Client(echo_app) as client, pytest.raises(TypeError, match="REMOTE_USER"):
        client.get("/", REMOTE_USER="bob")


# ------------------------------------------------------------------------------------------- cookies
def test_cookies_are_kept_sent_and_deleted():
    with Client(echo_app) as client:
        response = client.get("/set/")
        assert response.cookies["flavour"].value == "oatmeal"
        assert response.cookies["flavour"]["httponly"] is True
        assert sorted(client.cookies) == ["flavour", "size"]
        sent = header_dict(client.get("/").json())["cookie"]
        assert sent == "flavour=oatmeal; size=large"
        client.get("/delete/")
        assert dict(client.cookies) == {}
        assert "cookie" not in header_dict(client.get("/").json())


def test_cookie_expiry_edge_cases():
    with Client(echo_app) as client:
        client.get("/odd-cookies/")
        # An unparsable Max-Age falls back to Expires; an unparsable Expires keeps the cookie.
        assert sorted(client.cookies) == ["b", "c"]


def test_cookies_set_by_hand_are_sent():
    client = Client(echo_app)
    client.cookies["manual"] = "yes"
    assert header_dict(client.get("/").json())["cookie"] == "manual=yes"
    client.close()


def test_app_exception_is_raised():
    with Client(crashing_app) as client, pytest.raises(ZeroDivisionError, match="app crashed"):
        client.get("/")


def test_app_exception_without_raising_gives_a_500():
    with Client(crashing_app, raise_request_exception=False) as client:
        response = client.get("/")
        late = client.get("/late/")
    assert response.status_code == 500
    assert response.content == b"Internal Server Error"
    assert response.exc_info[0] is ZeroDivisionError
    assert (late.status_code, late.content) == (200, b"sent")
    assert late.exc_info[0] is ZeroDivisionError


# --------------------------------------------------------------------- the handler's response object
def handler_like_app(make_response, store_exc=False):
    """Imitates microdj's handler: shares request, response and exc_info through scope["microdj.test"]."""

    class FakeRequest:
        resolver_match = "the match"

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            raise ValueError("no lifespan")
        response = make_response(scope)
        state = scope["microdj.test"]
        state["request"] = FakeRequest()
        state["response"] = response
        if store_exc:
            try:
                raise KeyError("view failed")
            except KeyError as error:
                state["exc_info"] = (type(error), error, error.__traceback__)
        status = response.status_code if scope["path"] != "/lie/" else 299
        headers = response.asgi_headers()
        if response.streaming:
            await send({"type": "http.response.start", "status": status, "headers": headers})
            chunks = [c async for c in response] if response.is_async else list(response)
            for chunk in chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        else:
            body = b"" if scope["method"] == "HEAD" else response.content
            await send_response(send, status, headers, body)

    return app


def test_the_handlers_response_object_is_returned():
    app = handler_like_app(lambda scope: JsonResponse({"ok": True}))
    with Client(app) as client:
        response = client.get("/")
        head = client.head("/")
        lie = client.get("/lie/")
    assert isinstance(response, JsonResponse)
    assert response.json() == {"ok": True}
    assert response.resolver_match == "the match"
    assert response.wsgi_request is response.asgi_request
    assert type(response.wsgi_request).__name__ == "FakeRequest"
    assert isinstance(head, JsonResponse) and head.content == b""
    # A status that differs from the object's means the object is not what was sent: use the wire.
    assert type(lie) is HttpResponse and lie.status_code == 299


def test_streaming_responses_replay_the_received_chunks():
    def sync_stream(scope):
        return StreamingHttpResponse(iter([b"a", b"b"]))

    async def agen():
        yield b"x"
        yield b"y"

    with Client(handler_like_app(sync_stream)) as client:
        response = client.get("/")
    assert response.streaming and not response.is_async
    assert list(response.streaming_content) == [b"a", b"b"]

    with Client(handler_like_app(lambda scope: StreamingHttpResponse(agen()))) as client:
        response = client.get("/")
    assert response.is_async

    async def collect():
        return [chunk async for chunk in response.streaming_content]

    assert asyncio.run(collect()) == [b"x", b"y"]


def test_handler_exception_is_reraised_after_the_response():
    app = handler_like_app(lambda scope: HttpResponse("error page", status=500), store_exc=True)
    with Client(app) as client, pytest.raises(KeyError, match="view failed"):
        client.get("/")
    with Client(app, raise_request_exception=False) as client:
        response = client.get("/")
    assert response.status_code == 500
    assert response.content == b"error page"
    assert response.exc_info[0] is KeyError


def test_follow_redirects_records_the_chain():
    with Client(redirect_app) as client:
        response = client.get("/a/", follow=True)
        not_followed = client.get("/a/")
    assert response.redirect_chain == [("/b/?from=a", 302), ("relative/", 301)]
    data = response.json()
    assert data["path"] == "/b/relative/"
    assert data["query"] == ""
    assert not hasattr(not_followed, "redirect_chain")
    assert not_followed.status_code == 302


def test_follow_to_another_host_and_scheme():
    with Client(redirect_app) as client:
        data = client.get("/abs/", follow=True).json()
        bare = client.get("/host-only/", follow=True).json()
    assert data["scheme"] == "https"
    assert data["server"] == ["other.example", 8443]
    assert header_dict(data)["host"] == "other.example"
    assert bare["path"] == "/"


def test_307_and_308_keep_method_and_body_303_does_not():
    with Client(redirect_app) as client:
        kept = client.post("/keep/", "body", content_type="text/plain", follow=True).json()
        kept308 = client.put("/keep308/", "b2", content_type="text/plain", follow=True).json()
        head = client.head("/keep/", follow=True)
        trace = client.trace("/keep/", follow=True)
        other = client.post("/see-other/", {"a": 1}, follow=True).json()
        deleted = client.delete("/see-other/", follow=True)
        for method in ("patch", "options"):
            assert getattr(client, method)("/keep/", "x", follow=True).json()["method"] == method.upper()
    assert (kept["method"], kept["body"], kept["query"]) == ("POST", "body", "kept=1")
    assert (kept308["method"], kept308["body"]) == ("PUT", "b2")
    assert head.request["REQUEST_METHOD"] == "HEAD"
    assert head.request["QUERY_STRING"] == "kept=1"
    assert trace.json()["method"] == "TRACE"
    assert (other["method"], other["body"]) == ("GET", "")
    assert deleted.json()["method"] == "GET"


def test_redirect_without_location_is_not_followed():
    with Client(redirect_app) as client:
        response = client.get("/nolocation/", follow=True)
    assert response.status_code == 302
    assert response.redirect_chain == []


def test_redirect_loops_raise():
    with Client(redirect_app) as client:
        with pytest.raises(RedirectCycleError, match="Redirect loop detected.") as info:
            client.get("/loop/", follow=True)
        assert info.value.redirect_chain == [("/loop2/", 302), ("/loop/", 302), ("/loop2/", 302)]
        assert info.value.last_response.status_code == 302
        with pytest.raises(RedirectCycleError, match="Too many redirects."):
            client.get("/grow/", follow=True)


def test_lifespan_and_requests_share_one_loop_thread_which_close_stops():
    log = []
    client = Client(lifespan_app(log))
    assert log == []  # nothing starts before the first request
    assert client.get("/").content == b"connected"
    client.get("/")
    loop_thread = client._blocking.loop_thread.thread
    client.close()
    client.close()
    assert not loop_thread.is_alive()
    assert [event for event, _ in log] == ["startup", "request", "request", "shutdown"]
    assert {name for _, name in log} == {"microdj-test-client-loop"}


def test_context_manager_runs_lifespan_around_the_block():
    log = []
    with Client(lifespan_app(log)) as client:
        assert log == [("startup", "microdj-test-client-loop")]
        client.get("/")
    assert [event for event, _ in log] == ["startup", "request", "shutdown"]


def test_lifespan_startup_failure_is_raised():
    client = Client(lifespan_app([], fail=True))
    with pytest.raises(RuntimeError, match="ASGI lifespan startup failed: no database"):
        client.get("/")
    client.close()


def test_garbage_collected_client_stops_its_thread():
    log = []
    client = Client(lifespan_app(log))
    client.get("/")
    loop_thread = client._blocking.loop_thread.thread
    del client
    gc.collect()
    assert not loop_thread.is_alive()
    assert [event for event, _ in log] == ["startup", "request", "shutdown"]


def test_sync_client_refuses_to_run_inside_an_event_loop():
    client = Client(echo_app)

    async def main():
        with pytest.raises(SynchronousOnlyOperation, match="use AsyncClient"):
            client.get("/")

    asyncio.run(main())
    assert client._blocking.loop_thread is None


def test_default_application(monkeypatch):
    import microdj.test.transport as transport

    monkeypatch.setattr(transport, "default_application", lambda: echo_app)
    assert Client().application is echo_app
    assert AsyncClient().application is echo_app


def test_enforce_csrf_checks_is_shared_with_the_handler():
    seen = []

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            raise ValueError("no lifespan")
        seen.append(scope["microdj.test"]["enforce_csrf_checks"])
        await send_response(send)

    with Client(app, enforce_csrf_checks=True) as client:
        client.get("/")
    with Client(app) as client:
        client.get("/")
    assert seen == [True, False]
