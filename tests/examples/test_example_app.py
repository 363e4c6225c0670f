"""The example application under a real uvicorn on 127.0.0.1 (ephemeral port, bounded, self-stopping)."""

import asyncio
import json

import httpx
import pytest

from tests.load.load_servers import uvicorn_serving


@pytest.fixture(scope="module")
def server():
    with uvicorn_serving("examples.app:application", timeout=20) as base:
        yield base


def test_index_lists_reversed_urls(server):
    response = httpx.get(server + "/", timeout=5)
    assert response.status_code == 200
    assert "/articles/1/" in response.text
    assert response.headers["content-type"] == "text/plain"


def test_async_view_with_converter_and_query(server):
    response = httpx.get(server + "/hello/ada/", params={"greeting": "Hi"}, timeout=5)
    assert response.json() == {"message": "Hi, ada!"}


def test_article_and_404(server):
    response = httpx.get(server + "/articles/2/", timeout=5)
    assert response.json()["url"].endswith("/articles/2/")
    assert httpx.get(server + "/articles/9/", timeout=5).status_code == 404
    assert httpx.get(server + "/no/such/page", timeout=5).status_code == 404


def test_cookie_round_trip(server):
    with httpx.Client(base_url=server, timeout=5) as client:
        assert client.get("/visit/").json() == {"visits": 1}
        assert client.get("/visit/").json() == {"visits": 2}


def test_post_form_and_json(server):
    assert httpx.post(server + "/echo/", data={"a": "1"}, timeout=5).json() == {"form": {"a": ["1"]}}
    assert httpx.post(server + "/echo/", json={"x": [1, 2]}, timeout=5).json() == {"json": {"x": [1, 2]}}


def test_guestbook_page_stylesheet_and_csrf_protected_form(server):
    with httpx.Client(base_url=server, timeout=5) as client:
        page = client.get("/guestbook/")
        assert page.status_code == 200 and "<h1>Guestbook</h1>" in page.text
        assert '<link rel="stylesheet" href="/static/css/site.css">' in page.text
        token = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        assert "csrftoken" in client.cookies
        css = client.get("/static/css/site.css")
        assert css.status_code == 200 and css.headers["content-type"] == "text/css; charset=utf-8"
        assert client.post("/guestbook/", data={"name": "Ann", "message": "hi"}).status_code == 403
        signed = client.post(
            "/guestbook/", data={"name": "Ann", "message": "Hello <there>", "csrfmiddlewaretoken": token}
        )
        assert signed.status_code == 302 and signed.headers["location"] == "/guestbook/"
        assert "<strong>Ann</strong>: Hello &lt;there&gt;" in client.get("/guestbook/").text
        empty = client.post("/guestbook/", data={"name": "", "message": "", "csrfmiddlewaretoken": token})
        assert empty.status_code == 400 and "Please give your name" in empty.text


def test_chat_page_and_its_websocket_room(server):
    page = httpx.get(server + "/chat/lobby/", timeout=5)
    assert page.status_code == 200 and "/ws/chat/lobby/" in page.text
    assert httpx.get(server + "/ws/chat/lobby/", timeout=5).status_code == 426
    connect = pytest.importorskip("websockets.asyncio.client").connect
    url = server.replace("http://", "ws://") + "/ws/chat/lobby/"

    async def chat():
        async with connect(url) as alice, connect(url) as bob:
            await alice.send(json.dumps({"text": "hi bob"}))
            assert json.loads(await bob.recv()) == {"text": "hi bob"}
            assert json.loads(await alice.recv()) == {"text": "hi bob"}

    asyncio.run(asyncio.wait_for(chat(), 20))
