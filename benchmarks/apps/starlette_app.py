"""The benchmark scenarios as a Starlette application (pure-ASGI no-op middleware for the "mw" variant)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from benchmarks.apps.pages import TEMPLATE, TEMPLATE_DIR, page_context, static_root
from benchmarks.scenarios import FILLERS, MIDDLEWARE_LAYERS


async def plaintext(request):
    return PlainTextResponse(b"Hello, world!")


async def json_view(request):
    return JSONResponse({"message": "Hello, world!"})


async def params(request):
    return JSONResponse({"group": request.path_params["group"], "item": request.path_params["item"]})


async def query(request):
    return JSONResponse(dict(request.query_params))


async def form(request):
    async with request.form() as data:
        return JSONResponse({"fields": len(data), "field9": data["field9"]})


async def upload(request):
    sizes = {}
    async with request.form() as data:
        for name, value in data.multi_items():
            sizes[name] = len(await value.read()) if isinstance(value, UploadFile) else len(value)
    return JSONResponse(sizes)


async def filler(request):
    return Response(b"filler")


class NoOpMiddleware:
    """A pure-ASGI middleware that passes everything through."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)


def build(variant: str = ""):
    """Return the Starlette application for ``variant``."""
    routes = [Route(f"/filler{i}/{{pk:int}}/", filler) for i in range(FILLERS[variant])]
    routes += [
        Route("/plaintext", plaintext),
        Route("/json", json_view),
        Route("/items/{group}/{item:int}/", params),
        Route("/query", query),
        Route("/form", form, methods=["POST"]),
        Route("/upload", upload, methods=["POST"]),
    ]
    if variant == "pages":
        from starlette.routing import Mount
        from starlette.staticfiles import StaticFiles
        from starlette.templating import Jinja2Templates

        templates = Jinja2Templates(directory=TEMPLATE_DIR)

        async def page(request):
            return templates.TemplateResponse(request, TEMPLATE, page_context())

        routes += [Route("/page", page), Mount("/static", StaticFiles(directory=static_root()))]
    middleware = [Middleware(NoOpMiddleware) for _ in range(MIDDLEWARE_LAYERS.get(variant, 0))]
    return Starlette(routes=routes, middleware=middleware)
