"""Test-client internals Django's tests rely on: generic(), FakePayload, file-like bodies, _base_scope(),
and request_finished only once a streaming response has been consumed."""

import asyncio
import io

import pytest

from microdj.core.signals import request_finished, request_started
from microdj.test import AsyncClient, AsyncRequestFactory, Client, RequestFactory, override_settings
from microdj.test.client import FakePayload
from microdj.test.transport import BODY_CHUNK_SIZE

URLS = "tests.test.urls_internals"
pytestmark = pytest.mark.usefixtures("urls")


@pytest.fixture
def urls():
    with override_settings(ROOT_URLCONF=URLS):
        yield


@pytest.fixture
def signals():
    seen = []

    def started(**kwargs):
        seen.append("started")

    def finished(**kwargs):
        seen.append("finished")

    request_started.connect(started)
    request_finished.connect(finished)
    yield seen
    request_started.disconnect(started)
    request_finished.disconnect(finished)


# ---------------------------------------------------------------------------------------- signals
def test_request_finished_waits_for_the_streaming_body(signals):
    with Client() as client:
        response = client.get("/stream/")
        assert signals == ["started"]
        assert b"".join(response) == b"streaming content"
        assert signals == ["started", "finished"]
        client.get("/plain/")
        assert signals == ["started", "finished", "started", "finished"]


def test_closing_an_unread_streaming_response_lets_the_request_finish(signals):
    with Client() as client:
        response = client.get("/stream/")
        response.close()
        client.get("/plain/")  # the loop has run the held request to its end meanwhile
        assert sorted(signals) == ["finished", "finished", "started", "started"]


def test_an_empty_stream_and_a_partly_read_one(signals):
    with Client() as client:
        assert list(client.get("/empty-stream/")) == []
        assert signals == ["started", "finished"]
        response = client.get("/stream/")
        assert next(iter(response)) == b"streaming "
        client.get("/plain/")
        assert signals.count("finished") == 2  # partly read: still held, as by a client that stopped reading
        response.close()
        client.get("/plain/")
        assert signals.count("finished") == 4


def test_a_cancelled_request_cancels_the_application():
    from microdj.test.transport import run_http

    started = asyncio.Event()

    async def app(scope, receive, send):
        started.set()
        await asyncio.sleep(30)

    async def main():
        task = asyncio.ensure_future(run_http(app, {"type": "http"}, b""))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]

    pending = asyncio.run(main())
    assert all(t.cancelling() for t in pending)


def test_closing_the_client_finishes_held_requests(signals):
    client = Client()
    client.get("/stream/")
    assert signals == ["started"]
    client.close()
    assert signals == ["started", "finished"]


def test_async_client_and_async_streaming(signals):
    async def main():
        async with AsyncClient() as client:
            response = await client.get("/astream/")
            assert signals == ["started"]
            assert b"".join([chunk async for chunk in response.streaming_content]) == b"async stream"
            assert signals == ["started", "finished"]
            held = await client.get("/stream/")
            assert list(held.streaming_content) == [b"streaming ", b"content"]
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            unread = await client.get("/astream/")
        return held, unread

    _held, _unread = asyncio.run(main())
    # aclose() let the unread one finish too.
    assert signals == ["started", "finished"] * 3


def test_sync_client_async_streaming_content(signals):
    with Client() as client:
        response = client.get("/astream/")

        async def read():
            return b"".join([chunk async for chunk in response.streaming_content])

        assert asyncio.run(read()) == b"async stream"
    assert signals == ["started", "finished"]


# ------------------------------------------------------------------------------------- FakePayload
def test_fake_payload_reads_no_further_than_its_end():
    payload = FakePayload(b"abc")
    payload.write("déf")
    assert len(payload) == 7
    assert payload.read(2) == b"ab" and len(payload) == 5
    assert payload.readline() == "cdéf".encode() and len(payload) == 0
    with pytest.raises(ValueError, match="Unable to write a payload after it's been read"):
        payload.write(b"more")
    with pytest.raises(AssertionError, match="Cannot read more than the available bytes"):
        FakePayload(b"ab").read(3)
    lines = FakePayload(b"one\ntwo\n")
    assert (lines.readline(), lines.read(), lines.read()) == (b"one\n", b"two\n", b"")
    assert FakePayload().read() == b"" and FakePayload().readable()


# ------------------------------------------------------------------------------------ body inputs
@pytest.mark.parametrize("make", [bytes, io.BytesIO, FakePayload], ids=["bytes", "BytesIO", "FakePayload"])
def test_wsgi_input_may_be_file_like(make):
    data = b"x" * (BODY_CHUNK_SIZE * 2 + 10)
    request = RequestFactory().request(
        REQUEST_METHOD="POST", PATH_INFO="/body/", CONTENT_LENGTH=str(len(data)), **{"wsgi.input": make(data)}
    )
    assert request.body == data
    with Client() as client:
        response = client.request(
            REQUEST_METHOD="PUT",
            PATH_INFO="/body/",
            CONTENT_LENGTH=str(len(data)),
            **{"wsgi.input": make(data)},
        )
        assert response.json() == {"method": "PUT", "length": len(data), "head": "x" * 10}
        response = client.request(
            REQUEST_METHOD="POST",
            PATH_INFO="/abody/",
            CONTENT_LENGTH=str(len(data)),
            **{"wsgi.input": make(data)},
        )
        assert response.json()["length"] == len(data)


def test_body_file_as_django_asgi_spelling():
    request = AsyncRequestFactory().request(
        REQUEST_METHOD="POST", CONTENT_LENGTH="5", _body_file=FakePayload(b"hello")
    )
    assert asyncio.run(request.aread()) == b"hello"


# -------------------------------------------------------------------------------------- _base_scope
def test_base_scope():
    factory = AsyncRequestFactory()
    scope = factory._base_scope(path="/x/", http_version="2")
    assert (scope["type"], scope["method"], scope["path"], scope["http_version"]) == (
        "http",
        "GET",
        "/x/",
        "2",
    )
    assert scope["server"] == ("testserver", 80) and scope["client"][0] == "127.0.0.1"
    assert (b"host", b"testserver") in scope["headers"]
    factory.cookies["flavour"] = "oat"
    scope = factory._base_scope(headers=[(b"cookie", b"old=1"), (b"x-a", b"1")])
    assert scope["headers"] == [(b"x-a", b"1"), (b"cookie", b"flavour=oat")]


# ------------------------------------------------------------------------------------ one generic()
class Recording(RequestFactory):
    def generic(
        self, method, path, data=b"", content_type="application/octet-stream", secure=False, **kwargs
    ):
        self.calls.append((method, path, data, content_type, secure, kwargs.get("follow")))
        return super().generic(
            method, path, data, content_type, secure, **{k: v for k, v in kwargs.items() if k != "follow"}
        )


class RecordingClient(Client):
    def generic(self, method, path, *args, **kwargs):
        self.calls.append((method, path, kwargs.get("follow", False)))
        return super().generic(method, path, *args, **kwargs)


def test_every_factory_verb_goes_through_generic():
    factory = Recording()
    factory.calls = []
    factory.get("/g/", {"q": 1})
    factory.post("/p/", "a=1", content_type="application/x-www-form-urlencoded")
    factory.head("/h/")
    factory.options("/o/", "opt")
    factory.put("/u/", {"x": 1}, content_type="application/json")
    factory.patch("/a/", "p")
    factory.delete("/d/", secure=True)
    factory.trace("/t/")
    assert [c[0] for c in factory.calls] == [
        "GET",
        "POST",
        "HEAD",
        "OPTIONS",
        "PUT",
        "PATCH",
        "DELETE",
        "TRACE",
    ]
    assert factory.calls[1][2] == b"a=1" and factory.calls[4][2] == '{"x": 1}' and factory.calls[6][4] is True
    with pytest.raises(ValueError, match="mutually exclusive"):
        factory.get("/", {"a": 1}, query_params={"b": 2})
    with pytest.raises(ValueError, match="mutually exclusive"):
        factory.head("/", {"a": 1}, query_params={"b": 2})


def test_every_client_verb_goes_through_generic_with_follow():
    with RecordingClient() as client:
        client.calls = []
        for verb in ("get", "post", "head", "options", "put", "patch", "delete", "trace"):
            assert getattr(client, verb)("/plain/", follow=True).status_code == 200
        response = client.get("/redirect/", follow=True)
    assert [c[0] for c in client.calls] == [
        "GET", "POST", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "TRACE", "GET", "GET",
    ]  # fmt: skip
    assert response.redirect_chain == [("/form/", 302)]


@pytest.mark.parametrize("status", [307, 308])
def test_307_and_308_resend_the_encoded_body(status):
    with Client() as client:
        response = client.post(f"/redirect/?status={status}", {"name": "value"}, follow=True)
    assert response.json() == {"method": "POST", "POST": {"name": "value"}}
    assert response.redirect_chain == [("/form/", status)]


def test_async_client_verbs_follow():
    async def main():
        async with AsyncClient() as client:
            response = await client.post("/redirect/?status=307", {"k": "v"}, follow=True)
            trace = await client.trace("/plain/")
        return response, trace

    response, trace = asyncio.run(main())
    assert response.json() == {"method": "POST", "POST": {"k": "v"}} and trace.content == b"plain"


# ----------------------------------------------------------------------------- template_rendered
def test_rendered_templates_are_collected_per_request():
    from microdj.test.signals import template_rendered

    with Client() as client:
        response = client.get("/rendered/")
        assert response.templates == ["base.html", "page.html"]
        assert response.context == [{"a": 1}, {"b": 2}]
        single = client.get("/arendered/")
        assert (single.templates, single.context) == (["async.html"], {"c": 3})
        none = client.get("/plain/")
        assert (none.templates, none.context) == ([], None)
    # Outside a request nothing is collected (and nothing fails).
    template_rendered.send(sender=None, template="x.html", context={})

    async def main():
        async with AsyncClient() as client:
            return await client.get("/rendered/")

    assert asyncio.run(main()).templates == ["base.html", "page.html"]
