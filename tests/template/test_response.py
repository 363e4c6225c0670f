"""TemplateResponse, SimpleTemplateResponse: lazy rendering, callbacks, pickling, the handler's render."""

from __future__ import annotations

import asyncio
import pickle
from typing import Any

import pytest

from microdj.http import HttpResponse
from microdj.template import TemplateDoesNotExist
from microdj.template.loader import get_template
from microdj.template.response import (
    AsyncRenderResponse,
    ContentNotRenderedError,
    SimpleTemplateResponse,
    TemplateResponse,
    on_event_loop,
)
from microdj.test import Client, RequestFactory, override_settings


def test_simple_response_renders_lazily_and_once(pages):
    response = SimpleTemplateResponse("plain.html", {"name": "x", "markup": "<b>"})
    assert not response.is_rendered
    with pytest.raises(ContentNotRenderedError):
        response.content  # noqa: B018
    with pytest.raises(ContentNotRenderedError):
        iter(response)
    with pytest.raises(ContentNotRenderedError):
        pickle.dumps(response)
    response.context_data = {"name": "changed", "markup": ""}
    assert response.render() is response
    assert response.content == b"<p>Hello changed! </p>"
    response.context_data = {"name": "again"}
    response.render()
    assert b"changed" in response.content
    assert list(response) == [b"<p>Hello changed! </p>"]


def test_template_object_list_of_names_and_resolve_context(pages):
    class Upper(SimpleTemplateResponse):
        def resolve_context(self, context: Any) -> Any:
            return {k: str(v).upper() for k, v in context.items()}

    assert (
        Upper(["nope.html", "plain.html"], {"name": "x", "markup": "m"}).render().content
        == b"<p>Hello X! M</p>"
    )
    template = get_template("plain.html")
    assert SimpleTemplateResponse(template, {"name": "t"}).render().content == b"<p>Hello t! </p>"
    with pytest.raises(TemplateDoesNotExist):
        SimpleTemplateResponse("nope.html").render()


def test_post_render_callbacks_run_in_order_and_may_replace(pages):
    response = SimpleTemplateResponse("plain.html", {"name": "cb"})
    seen = []
    response.add_post_render_callback(lambda r: seen.append(("first", r.content)))
    replacement = HttpResponse("replaced")
    response.add_post_render_callback(lambda r: replacement)
    assert response.render() is replacement
    assert seen == [("first", b"<p>Hello cb! </p>")]
    later = []
    response.add_post_render_callback(later.append)
    assert later == [response]


def test_rendered_response_pickles_without_its_template(pages):
    response = TemplateResponse(RequestFactory().get("/"), "plain.html", {"name": "p"}).render()
    clone = pickle.loads(pickle.dumps(response))
    assert clone.content == response.content
    assert not hasattr(clone, "template_name") and not hasattr(clone, "_request")


def test_template_response_has_request_variables_and_processors(pages):
    request = RequestFactory().get("/here/")
    response = TemplateResponse(request, "request.html", {"greeting": "yo"}, status=201, headers={"X-A": "1"})
    response.render()
    assert response.status_code == 201 and response["X-A"] == "1"
    assert b"GET /here/ yo by-processor" in response.content


def test_async_arender_uses_async_mode_and_runs_callbacks(pages):
    async def main() -> Any:
        response = TemplateResponse(RequestFactory().get("/"), "plain.html", {"name": "a"})
        assert response.render_on_loop and on_event_loop()
        seen: list[str] = []

        async def async_callback(r: Any) -> None:
            seen.append("async")

        response.add_post_render_callback(lambda r: seen.append("sync"))
        response.add_post_render_callback(async_callback)
        result = await response.arender()
        assert await response.arender() is response  # rendered once
        return result, seen

    result, seen = asyncio.run(main())
    assert result.content == b"<p>Hello a! </p>" and seen == ["sync", "async"]
    assert not on_event_loop()
    assert not SimpleTemplateResponse("plain.html").render_on_loop


def test_async_arender_replaced_by_callback(pages):
    async def main() -> Any:
        response = SimpleTemplateResponse(["missing.html", "plain.html"], {"name": "r"})
        response.add_post_render_callback(lambda r: HttpResponse("other"))
        return await response.arender()

    assert asyncio.run(main()).content == b"other"


def test_async_render_response_renders_on_demand(pages):
    request = RequestFactory().get("/")
    response = AsyncRenderResponse(request, "plain.html", {"name": "now"}, status=202)
    assert response.status_code == 202
    assert response.content == b"<p>Hello now! </p>"
    assert response.render() is response
    again = AsyncRenderResponse(request, "plain.html", {"name": "it"})
    assert list(again) == [b"<p>Hello it! </p>"]
    written = AsyncRenderResponse(request, "plain.html", {"name": "w"})
    written.write(b"+")
    assert written.content == b"<p>Hello w! </p>+"
    replaced = AsyncRenderResponse(request, "plain.html")
    replaced.content = b"set"
    assert replaced.content == b"set"

    async def finish() -> bytes:
        pending = AsyncRenderResponse(request, ["x.html", "plain.html"], {"name": "f"})
        await pending.finish_render()
        await pending.finish_render()
        return pending.content

    assert asyncio.run(finish()) == b"<p>Hello f! </p>"


# -- through the handler -------------------------------------------------------------------------------------


class ContextMiddleware:
    """process_template_response: changes the context of template responses only."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_template_response(self, request: Any, response: Any) -> Any:
        response.context_data["name"] = "middleware"
        response["X-Seen"] = "yes"
        return response


@pytest.mark.parametrize("path", ["/tr/", "/async/tr/"])
def test_process_template_response_hooks_see_template_responses(pages, path):
    with override_settings(MIDDLEWARE=["tests.template.test_response.ContextMiddleware"]):
        client = Client()
        response = client.get(path)
        client.close()
    assert response.content == b"<p>Hello middleware! &lt;b&gt;</p>"
    assert response["X-Seen"] == "yes"


@pytest.mark.parametrize("path", ["/sync/", "/async/"])
def test_render_results_are_not_template_responses(pages, path):
    with override_settings(MIDDLEWARE=["tests.template.test_response.ContextMiddleware"]):
        client = Client()
        response = client.get(path)
        client.close()
    assert response.status_code == 200 and "X-Seen" not in response
    assert b"<h1>Price list</h1>" in response.content


def test_template_error_in_async_render_goes_through_the_500_path(client):
    failing = Client(raise_request_exception=False)
    assert failing.get("/async/missing/").status_code == 500
    failing.close()
    with pytest.raises(TemplateDoesNotExist):
        client.get("/async/missing/")


def test_async_render_response_post_render_callbacks_and_pickling(pages):
    request = RequestFactory().get("/")
    seen: list[bytes] = []
    response = AsyncRenderResponse(request, "plain.html", {"name": "cb"})
    assert not response.is_rendered
    response.add_post_render_callback(lambda r: seen.append(r.content))
    response.render()
    assert response.is_rendered and seen == [b"<p>Hello cb! </p>"]
    response.add_post_render_callback(lambda r: seen.append(b"late"))
    assert seen[-1] == b"late"
    pending = AsyncRenderResponse(request, "plain.html", {"name": "p"})
    clone = pickle.loads(pickle.dumps(pending))
    assert clone.content == b"<p>Hello p! </p>" and not hasattr(clone, "_post_render_callbacks")

    async def finish() -> list[str]:
        calls: list[str] = []

        async def async_callback(r: Any) -> None:
            calls.append("async")

        later = AsyncRenderResponse(request, "plain.html", {"name": "f"})
        later.add_post_render_callback(lambda r: calls.append("sync"))
        later.add_post_render_callback(async_callback)
        await later.finish_render()
        return calls

    assert asyncio.run(finish()) == ["sync", "async"]


def test_cache_middleware_stores_render_results_of_async_views_once_rendered(pages):
    with override_settings(
        MIDDLEWARE=[
            "microdj.middleware.cache.UpdateCacheMiddleware",
            "microdj.middleware.cache.FetchFromCacheMiddleware",
        ],
        CACHE_MIDDLEWARE_SECONDS=30,
    ):
        client = Client()
        first = client.get("/async/")
        second = client.get("/async/")
        client.close()
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and b"<h1>Price list</h1>" in second.content
    assert "max-age=30" in first["Cache-Control"]
