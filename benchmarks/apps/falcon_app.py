"""The benchmark scenarios as a Falcon ASGI application (no-op middleware objects for the "mw" variant)."""

from __future__ import annotations

import falcon
import falcon.asgi

from benchmarks.scenarios import FILLERS, MIDDLEWARE_LAYERS


class Plaintext:
    async def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_TEXT
        resp.data = b"Hello, world!"


class Json:
    async def on_get(self, req, resp):
        resp.media = {"message": "Hello, world!"}


class Params:
    async def on_get(self, req, resp, group, item):
        resp.media = {"group": group, "item": item}


class Query:
    async def on_get(self, req, resp):
        resp.media = req.params


class Form:
    async def on_post(self, req, resp):
        data = await req.get_media()
        resp.media = {"fields": len(data), "field9": data["field9"]}


class Upload:
    async def on_post(self, req, resp):
        sizes = {}
        async for part in await req.get_media():
            sizes[part.name] = len(await part.get_data())
        resp.media = sizes


class Filler:
    async def on_get(self, req, resp, pk):
        resp.data = b"filler"


class NoOpMiddleware:
    """Falcon middleware whose request and response hooks do nothing."""

    async def process_request(self, req, resp):
        pass

    async def process_response(self, req, resp, resource, req_succeeded):
        pass


def build(variant: str = ""):
    """Return the Falcon ASGI application for ``variant``."""
    middleware = [NoOpMiddleware() for _ in range(MIDDLEWARE_LAYERS.get(variant, 0))]
    app = falcon.asgi.App(middleware=middleware)
    # Blank values count, as in the other frameworks' query-string parsing ("d=" -> "").
    app.req_options.keep_blank_qs_values = True
    filler = Filler()
    for i in range(FILLERS[variant]):
        app.add_route(f"/filler{i}/{{pk:int}}/", filler)
    app.add_route("/plaintext", Plaintext())
    app.add_route("/json", Json())
    app.add_route("/items/{group}/{item:int}/", Params())
    app.add_route("/query", Query())
    app.add_route("/form", Form())
    app.add_route("/upload", Upload())
    return app
