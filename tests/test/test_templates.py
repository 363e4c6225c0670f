"""assertTemplateUsed/assertTemplateNotUsed over the renders the test client collects."""

from pathlib import Path

import pytest

from microdj.template.loader import render_to_string
from microdj.test import SimpleTestCase, override_settings

TEMPLATES = [
    {
        "BACKEND": "microdj.template.backends.jinja2.Jinja2",
        "DIRS": [str(Path(__file__).parent / "templates_testcases")],
    }
]


@override_settings(ROOT_URLCONF="tests.test.urls_templates", TEMPLATES=TEMPLATES)
class TemplateAssertions(SimpleTestCase):
    def fails(self, match):
        return pytest.raises(AssertionError, match=match)

    def test_response_lists_what_was_rendered(self):
        response = self.client.get("/page/")
        assert [t.origin.template_name for t in response.templates] == ["page.html"]
        assert response.context["text"] == "hello"
        self.assertTemplateUsed(response, "page.html")
        self.assertTemplateUsed(response, "page.html", count=1)
        self.assertTemplateNotUsed(response, "part.html")
        self.assertTemplateUsed(self.client.get("/parts/"), "part.html", count=3)

    async def test_async_views_too(self):
        response = await self.async_client.get("/apage/")
        self.assertTemplateUsed(response, "page.html")

    def test_failures_say_what_was_used(self):
        with self.fails(
            "Template 'part.html' was not a template used to render the response. Actual template"
        ):
            self.assertTemplateUsed(self.client.get("/page/"), "part.html")
        with self.fails("here: No templates used to render the response"):
            self.assertTemplateUsed(self.client.get("/plain/"), "page.html", msg_prefix="here")
        with self.fails(r"expected to be rendered 2 time\(s\) but was actually rendered 3 time\(s\)"):
            self.assertTemplateUsed(self.client.get("/parts/"), "part.html", count=2)
        with self.fails("Template 'page.html' was used unexpectedly in rendering the response"):
            self.assertTemplateNotUsed(self.client.get("/page/"), "page.html")

    def test_as_a_context_manager(self):
        with self.assertTemplateUsed("part.html"):
            render_to_string("part.html", {"n": 1})
        with self.assertTemplateUsed(template_name="part.html", count=2):
            render_to_string("part.html", {"n": 1})
            render_to_string("part.html", {"n": 2})
        with self.assertTemplateNotUsed("page.html"):
            render_to_string("part.html", {"n": 1})
        with self.fails("No templates used to render the response"):
            with self.assertTemplateUsed("part.html"):
                pass
        with self.fails("Template 'part.html' was used unexpectedly"):
            with self.assertTemplateNotUsed("part.html"):
                render_to_string("part.html", {"n": 1})

    def test_argument_errors(self):
        with pytest.raises(TypeError, match="response and/or template_name argument must be provided"):
            self.assertTemplateUsed()
        with pytest.raises(ValueError, match="only usable on responses fetched using the test Client"):
            self.assertTemplateUsed(object(), "page.html")

    def test_renders_outside_a_request_are_not_collected(self):
        render_to_string("part.html", {"n": 1})
        response = self.client.get("/plain/")
        assert response.templates == [] and response.context is None
