"""Client and AsyncClient against the real application (microdj.asgi) and the suite's URLconf."""

import asyncio

import pytest

from microdj.asgi import get_asgi_application
from microdj.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from microdj.test import AsyncClient, Client, override_settings

FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def client():
    with Client() as client:  # the project's application, from settings
        yield client


def test_plaintext_passes_the_handlers_response_through(client):
    response = client.get("/")
    assert type(response) is HttpResponse
    assert response.status_code == 200
    assert response.content == b"Hello, world!"
    assert response["Content-Type"] == "text/plain"
    assert response.resolver_match.url_name == "plaintext"
    assert isinstance(response.wsgi_request, HttpRequest)
    assert response.asgi_request is response.wsgi_request
    assert response.wsgi_request.path == "/"
    assert response.exc_info is None


def test_json_response_and_resolver_match(client):
    response = client.get("/items/books/7/")
    assert isinstance(response, JsonResponse)
    assert response.json() == {"group": "books", "item": 7}
    assert response.resolver_match.kwargs == {"group": "books", "item": 7}
    assert response.resolver_match.view_name == "params"


def test_head_has_headers_but_no_body(client):
    response = client.head("/")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"] == "text/plain"


def test_query_form_and_json_bodies(client):
    form = client.post("/echo/?q=1", "a=x&a=y", content_type=FORM).json()
    assert form["method"] == "POST"
    assert form["GET"] == {"q": ["1"]}
    assert form["POST"] == {"a": ["x", "y"]}
    assert form["body"] == "a=x&a=y"
    raw = client.put("/echo/", {"k": "v"}, content_type="application/json").json()
    assert raw["body"] == '{"k": "v"}'
    secure = client.get("/echo/", secure=True, headers={"Host": "localhost"}).json()
    assert (secure["scheme"], secure["host"]) == ("https", "localhost")


def test_cookies_persist_across_requests():
    with Client() as client:
        client.get("/cookie/")
        assert client.cookies["flavour"].value == "oatmeal"
        assert client.get("/echo/").json()["cookies"] == {"flavour": "oatmeal"}


def test_view_exception_is_reraised_or_kept(client):
    with pytest.raises(ZeroDivisionError, match="boom"):
        client.get("/500/")
    with Client(raise_request_exception=False) as quiet:
        response = quiet.get("/500/")
    assert response.status_code == 500
    assert response.exc_info[0] is ZeroDivisionError


def test_http_errors_are_not_raised(client):
    assert client.get("/404/").status_code == 404
    assert client.get("/403/").status_code == 403
    assert client.get("/no/such/page/").status_code == 404
    assert client.get("/204/").content == b""


def test_streaming_responses(client):
    response = client.get("/stream/")
    assert isinstance(response, StreamingHttpResponse)
    assert b"".join(response.streaming_content) == b"one two three"
    response = client.get("/async-stream/")
    assert response.is_async

    async def collect():
        return b"".join([chunk async for chunk in response.streaming_content])

    assert asyncio.run(collect()) == b"abc"


def test_override_settings_reaches_the_running_application(client):
    with override_settings(ALLOWED_HOSTS=["example.com"]):
        assert client.get("/").status_code == 400
    assert client.get("/").status_code == 200


def test_lifespan_hooks_run_on_the_client_loop():
    events = []
    app = get_asgi_application(
        on_startup=[lambda: events.append("up")], on_shutdown=[lambda: events.append("down")]
    )
    with Client(app) as client:
        assert events == ["up"]
        assert client.get("/").status_code == 200
    assert events == ["up", "down"]


def test_async_client_against_the_application():
    async def main():
        async with AsyncClient() as client:
            plain = await client.get("/async/")
            posted = await client.post("/echo/", "field=v", content_type=FORM, follow=True)
            with pytest.raises(ZeroDivisionError, match="async boom"):
                await client.get("/async-500/")
            return plain, posted

    plain, posted = asyncio.run(main())
    assert plain.content == b"Hello, async world!"
    assert plain.resolver_match.url_name == "async-plaintext"
    assert posted.json()["POST"] == {"field": ["v"]}
    assert posted.redirect_chain == []
