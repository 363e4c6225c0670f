"""The Jinja2 engine: options and defaults, request variables, lazy CSRF, errors, the async twin."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import jinja2
import pytest

from microdj.core.exceptions import ImproperlyConfigured
from microdj.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from microdj.template.backends.base import BaseEngine, app_template_dirs
from microdj.template.backends.jinja2 import Jinja2, get_exception_info
from microdj.test import RequestFactory, override_settings
from tests.template.pages import TEMPLATES_DIR


def make(**options: Any) -> Jinja2:
    return Jinja2({"NAME": "j", "DIRS": [TEMPLATES_DIR], "APP_DIRS": False, "OPTIONS": options})


def test_defaults_follow_debug():
    engine = make()
    assert engine.env.autoescape is True and engine.env.auto_reload is False
    assert engine.env.undefined is jinja2.Undefined
    assert engine.async_env.is_async and not engine.env.is_async
    with override_settings(DEBUG=True):
        debug = make()
    assert debug.env.auto_reload is True and debug.env.undefined is jinja2.DebugUndefined
    assert make(autoescape=False, enable_async=True).env.autoescape is False


def test_render_escapes_and_from_string():
    engine = make()
    assert engine.get_template("plain.html").render({"name": "<x>"}) == "<p>Hello &lt;x&gt;! </p>"
    assert engine.from_string("{{ 1 + n }}").render({"n": 2}) == "3"
    with pytest.raises(TemplateSyntaxError):
        engine.from_string("{% if %}")
    origin = engine.get_template("plain.html").origin
    assert origin.template_name == "plain.html" and origin.name == os.path.join(TEMPLATES_DIR, "plain.html")
    assert "plain.html" in repr(origin)


def test_request_variables_and_csrf_made_only_when_used(pages):
    engine = make(context_processors=["tests.template.pages.greeting"])
    request = RequestFactory().get("/")
    engine.get_template("plain.html").render({"name": "n"}, request)
    assert "CSRF_COOKIE" not in request.META
    page = engine.get_template("request.html").render({}, request)
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert 'name="csrfmiddlewaretoken" value="' in page and "by-processor" in page
    token = page.split('<span id="token">')[1].split("<")[0]
    assert len(token) == 64


def test_static_and_url_globals_unless_the_environment_has_them():
    with override_settings(ROOT_URLCONF="tests.template.pages", STATIC_URL="/assets/"):
        engine = make()
        assert (
            engine.from_string("{{ static('a b.css') }} {{ url('tmpl-sync') }}").render()
            == "/assets/a%20b.css /sync/"
        )


def custom_environment(**options: Any) -> jinja2.Environment:
    env = jinja2.Environment(**options)
    env.globals["static"] = lambda path: "custom:" + path
    return env


def test_environment_option_as_path_or_callable():
    engine = make(environment="tests.template.test_backends_jinja2.custom_environment")
    assert engine.from_string("{{ static('x') }}").render() == "custom:x"
    assert engine.async_env.is_async
    assert make(environment=custom_environment).from_string("{{ static('y') }}").render() == "custom:y"


def test_missing_template_lists_the_files_tried():
    engine = make()
    with pytest.raises(TemplateDoesNotExist) as caught:
        engine.get_template("nope.html")
    error = caught.value
    assert error.backend is engine
    assert [(o.name, reason) for o, reason in error.tried] == [
        (os.path.join(TEMPLATES_DIR, "nope.html"), "Source does not exist")
    ]
    custom = make(loader=jinja2.DictLoader({}))
    with pytest.raises(TemplateDoesNotExist) as caught:
        custom.get_template("nope.html")
    assert caught.value.tried == []


def test_names_escaping_the_folder_are_not_tried():
    engine = make()
    assert list(engine.iter_template_filenames("../x.html")) == []
    assert list(engine.iter_template_filenames(".")) == []


def test_syntax_error_carries_file_line_and_source():
    engine = make()
    with pytest.raises(TemplateSyntaxError) as caught:
        engine.get_template("broken.html")
    info = caught.value.template_debug
    assert info is not None
    assert info["name"] == os.path.join(TEMPLATES_DIR, "broken.html")
    assert info["line"] == 5 and info["during"] == "{% endfo %}"
    assert (3, "{% for x in items %}") in info["source_lines"]
    assert "endfo" in info["message"]


def test_exception_info_reads_the_file_when_the_source_is_unknown(tmp_path):
    path = tmp_path / "t.html"
    path.write_text("a\nb\n{% x %}\n")
    error = jinja2.TemplateSyntaxError("bad", 3, name="t.html", filename=str(path))
    assert get_exception_info(error)["during"] == "{% x %}"
    unknown = jinja2.TemplateSyntaxError("bad", 1, name="gone.html", filename=None)
    info = get_exception_info(unknown)
    assert (info["name"], info["source_lines"], info["during"]) == ("gone.html", [], "")


def test_syntax_error_raised_while_rendering_is_converted():
    engine = make(
        loader=jinja2.DictLoader({"outer.html": "{% include 'inner.html' %}", "inner.html": "{% if %}"})
    )
    template = engine.get_template("outer.html")
    with pytest.raises(TemplateSyntaxError):
        template.render({})

    async def main() -> None:
        with pytest.raises(TemplateSyntaxError):
            await (await engine.aget_template("outer.html")).render_async({})

    asyncio.run(main())


def test_async_templates_are_loaded_once_off_the_loop_and_kept():
    engine = make()

    async def main() -> tuple[Any, Any, str]:
        first = await engine.aget_template("plain.html")
        second = await engine.aget_template("plain.html")
        return first, second, await first.render_async({"name": "a"})

    first, second, text = asyncio.run(main())
    assert first is second and first.template.environment is engine.async_env
    assert text == "<p>Hello a! </p>"
    # render() of an async-environment template uses its sync twin.
    assert first.render({"name": "s"}) == "<p>Hello s! </p>"


def test_async_templates_are_reloaded_with_auto_reload():
    engine = make(auto_reload=True)

    async def main() -> bool:
        return (await engine.aget_template("plain.html")) is (await engine.aget_template("plain.html"))

    assert asyncio.run(main()) is False


def test_sync_template_rendered_async_runs_in_a_thread():
    template = make().get_template("plain.html")
    assert asyncio.run(template.render_async({"name": "t"})) == "<p>Hello t! </p>"
    nameless = make().async_env.from_string("x")
    from microdj.template.backends.jinja2 import Template

    with pytest.raises(RuntimeError):
        Template(nameless, make()).render()


def test_base_engine_parameters_and_app_dirs(tmp_path, monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="Unknown parameters: EXTRA"):
        BaseEngine({"NAME": "x", "DIRS": [], "APP_DIRS": False, "EXTRA": 1})
    engine = BaseEngine({"NAME": "x", "DIRS": [tmp_path], "APP_DIRS": False})
    with pytest.raises(NotImplementedError):
        engine.get_template("a")
    with pytest.raises(NotImplementedError):
        engine.from_string("a")
    package = tmp_path / "someapp"
    (package / "jinja2").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "jinja2" / "app.html").write_text("from the app")
    monkeypatch.syspath_prepend(str(tmp_path))
    with override_settings(INSTALLED_APPS=["someapp", "json", "no_such_module_here"]):
        assert app_template_dirs("jinja2") == (str(package / "jinja2"),)
        engine = Jinja2({"NAME": "a", "DIRS": [], "APP_DIRS": True, "OPTIONS": {}})
        assert engine.get_template("app.html").render() == "from the app"
    sys.modules.pop("someapp", None)
    assert app_template_dirs("jinja2") == ()


def test_engines_are_rebuilt_when_templates_change(pages):
    first = engines["jinja2"]
    assert engines.all() == [first] and list(engines) == ["jinja2"]
    with override_settings(
        TEMPLATES=[{"BACKEND": "microdj.template.backends.jinja2.Jinja2", "NAME": "other"}]
    ):
        assert list(engines) == ["other"]
    assert engines["jinja2"] is not first


def test_references_missing_or_broken_or_not_from_a_file():
    engine = make(
        loader=jinja2.DictLoader(
            {
                "top.html": '{% include "gone.html" ignore missing %}{% include "bad.html" %}',
                "bad.html": "{% if %}",
            }
        )
    )

    async def main() -> Any:
        return await engine.aget_template("top.html")

    assert asyncio.run(main()).origin.template_name == "top.html"
