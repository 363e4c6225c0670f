"""``SimpleTestCase`` (and ``TestCase``, the same without a database): unittest with Django's test helpers.

Each test gets a fresh ``self.client`` (``client_class``) and ``self.async_client``
(``async_client_class``), closed after it. An ``async def`` test runs on an event loop of its own, with
``self.async_client`` shut down on that loop before it closes. Works under ``python -m unittest`` and
pytest alike.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import unittest
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest.util import safe_repr
from urllib.parse import urljoin, urlsplit

from asgiref.sync import iscoroutinefunction

from microdj.conf import settings
from microdj.http.hosts import split_domain_port, validate_host
from microdj.http.querydict import QueryDict
from microdj.test.client import AsyncClient, Client
from microdj.test.html import HTMLParseError, parse_html
from microdj.test.signals import collected_renders, instrument_templates
from microdj.test.utils import modify_settings, override_settings

__all__ = ["SimpleTestCase", "TestCase", "TransactionTestCase"]


def _template_name(template: Any) -> str | None:
    """A rendered template's name: ``template.name``, its origin's, or the string itself."""
    if isinstance(template, str):
        return template
    name = getattr(template, "name", None)
    if name is None:
        name = getattr(getattr(template, "origin", None), "template_name", None)
    return name


def _parse(case: unittest.TestCase, html: str, user_msg: str | None, what: str) -> Any:
    try:
        return parse_html(html)
    except HTMLParseError as error:
        case.fail(case._formatMessage(user_msg, f"{what}\n{error}"))


class SimpleTestCase(unittest.TestCase):
    """A unittest ``TestCase`` with a test client per test and Django's assertions."""

    client_class: type[Client] = Client
    async_client_class: type[AsyncClient] = AsyncClient

    client: Client
    async_client: AsyncClient

    def __call__(self, result: Any = None) -> Any:
        """Run the test with its clients set up before ``setUp`` and closed after the cleanups."""
        method = getattr(self, self._testMethodName)
        if iscoroutinefunction(method):
            setattr(self, self._testMethodName, self._on_own_loop(method))
        self.client = self.client_class()
        self.async_client = self.async_client_class()
        try:
            return super().__call__(result)
        finally:
            self.client.close()

    def _on_own_loop(self, method: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            async def test_then_close() -> None:
                try:
                    await method()
                finally:
                    await self.async_client.aclose()

            asyncio.run(test_then_close())

        return run

    # -------------------------------------------------------------------------------------- settings
    def settings(self, **kwargs: Any) -> override_settings:
        """``override_settings(**kwargs)``, as a context manager for part of a test."""
        return override_settings(**kwargs)

    def modify_settings(self, **kwargs: Any) -> modify_settings:
        """``modify_settings(**kwargs)``, as a context manager for part of a test."""
        return modify_settings(**kwargs)

    # ------------------------------------------------------------------------------------- responses
    def _content(self, response: Any, text: Any, status_code: int, msg_prefix: str, html: bool) -> Any:
        if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
            response.render()
        self.assertEqual(
            response.status_code,
            status_code,
            f"{msg_prefix}Couldn't retrieve content: Response code was {response.status_code} "
            f"(expected {status_code})",
        )
        content = b"".join(response.streaming_content) if response.streaming else response.content
        content_repr = safe_repr(content)
        if isinstance(text, bytes) and not html:
            text_repr = repr(text)
        else:
            text = str(text)
            content = content.decode(response.charset)
            text_repr = f"'{text}'"
        if html:
            content = _parse(self, str(content), None, "Response's content is not valid HTML:")
            text = _parse(self, text, None, "Second argument is not valid HTML:")
        return text_repr, content.count(text), content_repr

    def assertContains(  # noqa: N802 - unittest's naming
        self,
        response: Any,
        text: Any,
        count: int | None = None,
        status_code: int = 200,
        msg_prefix: str = "",
        html: bool = False,
    ) -> None:
        """The response has ``status_code`` and ``text`` in its content (``count`` times, if given)."""
        prefix = f"{msg_prefix}: " if msg_prefix else ""
        text_repr, found, content_repr = self._content(response, text, status_code, prefix, html)
        if count is not None:
            self.assertEqual(
                found,
                count,
                f"{prefix}Found {found} instances of {text_repr} (expected {count}) in the following "
                f"response\n{content_repr}",
            )
        else:
            self.assertTrue(
                found != 0, f"{prefix}Couldn't find {text_repr} in the following response\n{content_repr}"
            )

    def assertNotContains(  # noqa: N802 - unittest's naming
        self, response: Any, text: Any, status_code: int = 200, msg_prefix: str = "", html: bool = False
    ) -> None:
        """The response has ``status_code`` and no ``text`` in its content."""
        prefix = f"{msg_prefix}: " if msg_prefix else ""
        text_repr, found, content_repr = self._content(response, text, status_code, prefix, html)
        self.assertEqual(
            found, 0, f"{prefix}{text_repr} unexpectedly found in the following response\n{content_repr}"
        )

    def assertRedirects(  # noqa: N802 - unittest's naming
        self,
        response: Any,
        expected_url: str,
        status_code: int = 302,
        target_status_code: int = 200,
        msg_prefix: str = "",
        fetch_redirect_response: bool = True,
    ) -> None:
        """The response redirects (``status_code``) to ``expected_url``, which answers ``target_status_code``.

        With ``follow=True`` responses the chain is checked; otherwise the target is fetched with the same
        client unless ``fetch_redirect_response`` is False (it must be served by this project).
        """
        prefix = f"{msg_prefix}: " if msg_prefix else ""
        chain = getattr(response, "redirect_chain", None)
        if chain is not None:
            self.assertTrue(
                chain,
                f"{prefix}Response didn't redirect as expected: Response code was {response.status_code} "
                f"(expected {status_code})",
            )
            self.assertEqual(
                chain[0][1],
                status_code,
                f"{prefix}Initial response didn't redirect as expected: Response code was {chain[0][1]} "
                f"(expected {status_code})",
            )
            url = chain[-1][0]
            self.assertEqual(
                response.status_code,
                target_status_code,
                f"{prefix}Response didn't redirect as expected: Final Response code was "
                f"{response.status_code} (expected {target_status_code})",
            )
        else:
            self.assertEqual(
                response.status_code,
                status_code,
                f"{prefix}Response didn't redirect as expected: Response code was {response.status_code} "
                f"(expected {status_code})",
            )
            url = response["Location"]
            scheme, netloc, path, query, _fragment = urlsplit(url)
            if not path.startswith("/"):
                url = urljoin(response.request["PATH_INFO"], url)
                path = urljoin(response.request["PATH_INFO"], path)
            if fetch_redirect_response:
                self._fetch_target(response, url, scheme, netloc, path, query, target_status_code, prefix)
        self.assertURLEqual(
            url, expected_url, f"{prefix}Response redirected to '{url}', expected '{expected_url}'"
        )

    def _fetch_target(
        self,
        response: Any,
        url: str,
        scheme: str,
        netloc: str,
        path: str,
        query: str,
        target_status_code: int,
        prefix: str,
    ) -> None:
        domain, _port = split_domain_port(netloc)
        if domain and not validate_host(domain, settings.ALLOWED_HOSTS):
            raise ValueError(
                f"The test client is unable to fetch remote URLs (got {url}). If the host is served by "
                f"microdj, add '{domain}' to ALLOWED_HOSTS. Otherwise, use "
                "assertRedirects(..., fetch_redirect_response=False)."
            )
        client = response.client
        if isinstance(client, AsyncClient):
            raise ValueError(
                "assertRedirects() cannot fetch the target of an AsyncClient response from sync code; "
                "use fetch_redirect_response=False, or follow=True on the request."
            )
        target = client.get(path, QueryDict(query), secure=(scheme == "https"))
        self.assertEqual(
            target.status_code,
            target_status_code,
            f"{prefix}Couldn't retrieve redirection page '{path}': response code was {target.status_code} "
            f"(expected {target_status_code})",
        )

    def assertURLEqual(self, url1: str, url2: str, msg_prefix: str = "") -> None:  # noqa: N802
        """The URLs are the same, their query strings compared as sorted pairs."""

        def normalise(url: str) -> tuple[str, ...]:
            scheme, netloc, path, query, fragment = urlsplit(str(url))
            pairs = sorted(QueryDict(query).lists())
            return scheme, netloc, path or "/", json.dumps(pairs), fragment

        prefix = f"{msg_prefix}: " if msg_prefix else ""
        self.assertEqual(normalise(url1), normalise(url2), f"{prefix}Expected '{url1}' to equal '{url2}'.")

    # ------------------------------------------------------------------------------------ JSON, HTML
    def assertJSONEqual(self, raw: str | bytes, expected_data: Any, msg: str | None = None) -> None:  # noqa: N802
        """``raw`` is JSON equal to ``expected_data`` (a value, or JSON text)."""
        try:
            data = json.loads(raw)
        except ValueError:
            self.fail(f"First argument is not valid JSON: {raw!r}")
        if isinstance(expected_data, str):
            try:
                expected_data = json.loads(expected_data)
            except ValueError:
                self.fail(f"Second argument is not valid JSON: {expected_data!r}")
        self.assertEqual(data, expected_data, msg=msg)

    def assertJSONNotEqual(self, raw: str | bytes, expected_data: Any, msg: str | None = None) -> None:  # noqa: N802
        """``raw`` is JSON not equal to ``expected_data``."""
        try:
            data = json.loads(raw)
        except ValueError:
            self.fail(f"First argument is not valid JSON: {raw!r}")
        if isinstance(expected_data, str):
            try:
                expected_data = json.loads(expected_data)
            except ValueError:
                self.fail(f"Second argument is not valid JSON: {expected_data!r}")
        self.assertNotEqual(data, expected_data, msg=msg)

    def assertHTMLEqual(self, html1: str, html2: str, msg: str | None = None) -> None:  # noqa: N802
        """The two snippets are the same HTML (see :mod:`microdj.test.html` for what counts)."""
        dom1 = _parse(self, html1, msg, "First argument is not valid HTML:")
        dom2 = _parse(self, html2, msg, "Second argument is not valid HTML:")
        if dom1 != dom2:
            standard = f"{safe_repr(dom1, True)} != {safe_repr(dom2, True)}"
            diff = "\n" + "\n".join(difflib.ndiff(str(dom1).splitlines(), str(dom2).splitlines()))
            self.fail(self._formatMessage(msg, standard + diff))

    def assertHTMLNotEqual(self, html1: str, html2: str, msg: str | None = None) -> None:  # noqa: N802
        """The two snippets are different HTML."""
        dom1 = _parse(self, html1, msg, "First argument is not valid HTML:")
        dom2 = _parse(self, html2, msg, "Second argument is not valid HTML:")
        if dom1 == dom2:
            standard = f"{safe_repr(dom1, True)} == {safe_repr(dom2, True)}"
            self.fail(self._formatMessage(msg, standard))

    def assertInHTML(  # noqa: N802 - unittest's naming
        self, needle: str, haystack: str, count: int | None = None, msg_prefix: str = ""
    ) -> None:
        """The HTML ``needle`` occurs in the HTML ``haystack`` (``count`` times, if given)."""
        parsed_needle = _parse(self, needle, None, "First argument is not valid HTML:")
        parsed_haystack = _parse(self, haystack, None, "Second argument is not valid HTML:")
        found = (
            parsed_haystack.count(parsed_needle)
            if not isinstance(parsed_haystack, str)
            else (parsed_haystack.count(parsed_needle) if isinstance(parsed_needle, str) else 0)
        )
        prefix = f"{msg_prefix}: " if msg_prefix else ""
        haystack_repr = safe_repr(haystack)
        if count is None:
            self.assertTrue(
                found != 0, f"{prefix}Couldn't find {needle!r} in the following response\n{haystack_repr}"
            )
        elif count == 0:
            self.assertEqual(
                found, 0, f"{prefix}{needle!r} unexpectedly found in the following response\n{haystack_repr}"
            )
        else:
            self.assertEqual(
                found,
                count,
                f"{prefix}Found {found} instances of {needle!r} (expected {count}) in the following "
                f"response\n{haystack_repr}",
            )

    # ------------------------------------------------------------------------------------- templates
    def assertTemplateUsed(  # noqa: N802 - unittest's naming
        self,
        response: Any = None,
        template_name: str | None = None,
        msg_prefix: str = "",
        count: int | None = None,
    ) -> Any:
        """``template_name`` was rendered for the response (``count`` times, if given).

        ``with self.assertTemplateUsed("page.html"):`` checks the renders of the block instead.
        """
        prefix = f"{msg_prefix}: " if msg_prefix else ""
        names = self._template_names(response, template_name, "assertTemplateUsed")
        if names is None:
            return self._renders_of_block(
                lambda found: self._used(template_name or response, found, prefix, count)
            )
        self._used(template_name, names, prefix, count)  # type: ignore[arg-type]
        return None

    def assertTemplateNotUsed(  # noqa: N802 - unittest's naming
        self, response: Any = None, template_name: str | None = None, msg_prefix: str = ""
    ) -> Any:
        """``template_name`` was not rendered for the response (or, as a context manager, in the block)."""
        prefix = f"{msg_prefix}: " if msg_prefix else ""
        names = self._template_names(response, template_name, "assertTemplateNotUsed")

        def check(found: list[str], name: Any = template_name or response) -> None:
            self.assertFalse(
                name in found, f"{prefix}Template '{name}' was used unexpectedly in rendering the response"
            )

        if names is None:
            return self._renders_of_block(check)
        check(names)
        return None

    def _template_names(self, response: Any, template_name: str | None, method: str) -> list[str] | None:
        """The names of the templates rendered for ``response``; None for the context-manager form."""
        if response is None and template_name is None:
            raise TypeError("response and/or template_name argument must be provided")
        if template_name is None or response is None:
            if not hasattr(response, "templates"):
                return None
        elif not hasattr(response, "templates"):
            raise ValueError(f"{method}() is only usable on responses fetched using the test Client.")
        return [name for name in map(_template_name, response.templates) if name is not None]

    def _used(self, name: str, found: list[str], prefix: str, count: int | None) -> None:
        if not found:
            self.fail(f"{prefix}No templates used to render the response")
        self.assertTrue(
            name in found,
            f"{prefix}Template '{name}' was not a template used to render the response. Actual template(s) "
            f"used: {', '.join(found)}",
        )
        if count is not None:
            self.assertEqual(
                found.count(name),
                count,
                f"{prefix}Template '{name}' was expected to be rendered {count} time(s) but was actually "
                f"rendered {found.count(name)} time(s).",
            )

    @contextmanager
    def _renders_of_block(self, check: Callable[[list[str]], None]) -> Iterator[None]:
        instrument_templates()
        renders: list[tuple[Any, Any]] = []
        token = collected_renders.set(renders)
        try:
            yield
        finally:
            collected_renders.reset(token)
        check([name for name in (_template_name(t) for t, _c in renders) if name is not None])

    # ------------------------------------------------------------------------------ raises and warns
    @contextmanager
    def _message_in(self, manager: Any, attribute: str, expected_message: str) -> Iterator[Any]:
        with manager as context:
            yield context
        self.assertIn(expected_message, str(getattr(context, attribute)))

    def _foo_message(
        self,
        make: Callable[[Any], Any],
        attribute: str,
        expected: Any,
        message: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        manager = self._message_in(make(expected), attribute, message)
        if not args:
            return manager
        func, *rest = args
        with manager:
            func(*rest, **kwargs)
        return None

    def assertRaisesMessage(  # noqa: N802 - unittest's naming
        self, expected_exception: type[BaseException], expected_message: str, *args: Any, **kwargs: Any
    ) -> Any:
        """``assertRaises`` that also checks ``expected_message`` is in the exception's text.

        Use it as a context manager, or pass the callable and its arguments.
        """
        return self._foo_message(
            self.assertRaises, "exception", expected_exception, expected_message, args, kwargs
        )

    def assertWarnsMessage(  # noqa: N802 - unittest's naming
        self, expected_warning: type[Warning], expected_message: str, *args: Any, **kwargs: Any
    ) -> Any:
        """``assertWarns`` that also checks ``expected_message`` is in the warning's text."""
        return self._foo_message(
            self.assertWarns, "warning", expected_warning, expected_message, args, kwargs
        )


class TestCase(SimpleTestCase):
    """``SimpleTestCase`` under Django's other name; microdj has no database, so nothing is added."""


class TransactionTestCase(SimpleTestCase):
    """``SimpleTestCase`` under Django's other name; microdj has no database, so nothing is added."""
