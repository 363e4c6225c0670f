"""get_template / select_template / render_to_string and their async twins; the engine handler."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from microdj.core.exceptions import ImproperlyConfigured
from microdj.template import EngineHandler, InvalidTemplateEngineError, TemplateDoesNotExist
from microdj.template.loader import (
    aget_template,
    arender_template,
    arender_to_string,
    aselect_template,
    get_template,
    render_to_string,
    select_template,
)
from microdj.test import RequestFactory, override_settings
from tests.template.pages import ENGINE

TWO = [{**ENGINE, "NAME": "first"}, {**ENGINE, "NAME": "second", "DIRS": []}]


def test_get_template_chains_every_engines_error():
    with override_settings(TEMPLATES=TWO):
        assert get_template("plain.html", using="first").render({"name": "u"}) == "<p>Hello u! </p>"
        with pytest.raises(TemplateDoesNotExist) as caught:
            get_template("nope.html")
        assert [e.backend.name for e in caught.value.chain] == ["first", "second"]
        assert len(caught.value.all_tried()) == 1
        with pytest.raises(TemplateDoesNotExist):
            get_template("plain.html", using="second")


def test_select_template_tries_names_in_order(pages):
    assert select_template(["nope.html", "plain.html"]).origin.template_name == "plain.html"
    with pytest.raises(TypeError, match="takes an iterable"):
        select_template("plain.html")
    with pytest.raises(TemplateDoesNotExist, match="a.html, b.html"):
        select_template(["a.html", "b.html"])
    with pytest.raises(TemplateDoesNotExist, match="No template names provided"):
        select_template([])


def test_render_to_string_with_name_list_and_request(pages):
    assert render_to_string("plain.html", {"name": "r"}) == "<p>Hello r! </p>"
    assert render_to_string(("x.html", "plain.html"), {"name": "l"}) == "<p>Hello l! </p>"
    page = render_to_string("request.html", {}, RequestFactory().get("/rq/"))
    assert "GET /rq/" in page


class SyncOnly:
    """An engine without async methods: its templates are loaded and rendered in threads."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.name = params["NAME"]

    def get_template(self, name: str) -> Any:
        if name != "only.txt":
            raise TemplateDoesNotExist(name, backend=self)

        class Template:
            def render(self, context: Any = None, request: Any = None) -> str:
                return f"sync-only {context}"

        return Template()


def test_async_twins(pages):
    async def main() -> list[str]:
        template = await aget_template("plain.html")
        picked = await aselect_template(["nope.html", "plain.html"])
        return [
            await template.render_async({"name": "a"}),
            await picked.render_async({"name": "b"}),
            await arender_to_string("plain.html", {"name": "c"}),
            await arender_to_string(["nope.html", "plain.html"], {"name": "d"}),
        ]

    assert asyncio.run(main()) == [f"<p>Hello {n}! </p>" for n in "abcd"]

    async def failing() -> None:
        with pytest.raises(TemplateDoesNotExist):
            await aget_template("nope.html")
        with pytest.raises(TemplateDoesNotExist, match="No template names"):
            await aselect_template([])
        with pytest.raises(TypeError):
            await aselect_template("plain.html")

    asyncio.run(failing())


def test_async_twins_with_a_sync_only_engine():
    with override_settings(TEMPLATES=[{"BACKEND": "tests.template.test_loader.SyncOnly", "NAME": "s"}]):

        async def main() -> str:
            template = await aget_template("only.txt")
            return await arender_template(template, {"k": 1}, None)

        assert asyncio.run(main()) == "sync-only {'k': 1}"


def test_engine_handler_errors():
    with pytest.raises(ImproperlyConfigured, match="needs a BACKEND"):
        EngineHandler([{"DIRS": []}]).all()
    with pytest.raises(ImproperlyConfigured, match="aren't unique, duplicates: jinja2"):
        EngineHandler([ENGINE, ENGINE]).all()
    with pytest.raises(InvalidTemplateEngineError, match="Could not find config for 'x'"):
        EngineHandler([ENGINE])["x"]
    handler = EngineHandler([ENGINE])
    assert handler.templates["jinja2"]["APP_DIRS"] is False
    first = handler["jinja2"]
    handler.reset()
    assert handler["jinja2"] is not first


def test_context_processors(pages, override):
    from microdj.template import context_processors

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")
    assert context_processors.request(request) == {"request": request}
    assert context_processors.static(request) == {"STATIC_URL": "/static/"}
    assert str(context_processors.csrf(request)["csrf_token"])
    assert context_processors.debug(request) == {}
    override(DEBUG=True, INTERNAL_IPS=["10.0.0.1"])
    assert context_processors.debug(request) == {"debug": True}
