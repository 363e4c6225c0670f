"""ASGI middleware wraps the application as in Django's deployment guide: a third-party one (Starlette's)."""

from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from microdj.asgi import get_asgi_application
from microdj.test import Client

ORIGIN = "https://front.example"


def test_cors_middleware_wraps_the_application():
    application = CORSMiddleware(
        get_asgi_application(), allow_origins=[ORIGIN], allow_methods=["GET", "POST"]
    )
    with Client(application) as client:
        response = client.get("/json/", headers={"Origin": ORIGIN})
        assert response.status_code == 200
        assert response.json() == {"message": "Hello, world!"}
        assert response.headers["access-control-allow-origin"] == ORIGIN
        preflight = client.options(
            "/json/", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
        )
        assert preflight.status_code == 200
        assert "POST" in preflight.headers["access-control-allow-methods"]
        other = client.get("/json/", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_gzip_middleware_wraps_streaming_and_plain_responses():
    application = GZipMiddleware(get_asgi_application(), minimum_size=1)
    with Client(application) as client:
        response = client.get("/json/", headers={"Accept-Encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip"
        plain = client.get("/stream/")
        assert plain.content == b"one two three"
