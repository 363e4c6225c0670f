"""TemplateView, TemplateResponseMixin and ContextMixin, as Django's."""

from __future__ import annotations

from typing import Any

import pytest

from microdj.core.exceptions import ImproperlyConfigured
from microdj.template.response import SimpleTemplateResponse, TemplateResponse
from microdj.test import RequestFactory
from microdj.views.generic import TemplateView
from microdj.views.generic.base import ContextMixin, TemplateResponseMixin


def test_template_view_renders_with_url_kwargs_view_and_extra_context(client):
    response = client.get("/greet/ann/")
    assert response.status_code == 200 and response.content == b"<p>Hello ann! &lt;i&gt;</p>"


def test_template_view_answers_a_template_response(pages):
    view = TemplateView.as_view(template_name="plain.html", extra_context={"markup": "m"})
    response = view(RequestFactory().get("/"), name="kw")
    assert isinstance(response, TemplateResponse)
    assert response.template_name == ["plain.html"]
    assert response.context_data["name"] == "kw" and response.context_data["markup"] == "m"
    assert isinstance(response.context_data["view"], TemplateView)
    assert response.render().content == b"<p>Hello kw! m</p>"


def test_missing_template_name_is_improperly_configured():
    with pytest.raises(ImproperlyConfigured, match="requires either a definition of 'template_name'"):
        TemplateView.as_view()(RequestFactory().get("/"))


def test_custom_response_class_engine_and_content_type(pages):
    class Custom(TemplateResponseMixin, ContextMixin):
        template_name = "plain.html"
        template_engine = "jinja2"
        content_type = "text/plain"

        def __init__(self) -> None:
            self.request = RequestFactory().get("/")

    class Simple(SimpleTemplateResponse):
        def __init__(self, request: Any, **kwargs: Any) -> None:
            super().__init__(**kwargs)

    view = Custom()
    view.response_class = Simple
    response = view.render_to_response(view.get_context_data(name="c"))
    assert isinstance(response, Simple) and response["Content-Type"] == "text/plain"
    assert response.using == "jinja2" and response.render().content == b"<p>Hello c! </p>"
    assert ContextMixin().get_context_data(a=1)["a"] == 1
