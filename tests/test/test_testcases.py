"""SimpleTestCase/TestCase: clients per test, settings helpers, and each assertion passing and failing."""

import unittest
import warnings

import pytest

from microdj.test import AsyncClient, Client, SimpleTestCase, TestCase, override_settings

URLS = "tests.test.urls_testcases"


@override_settings(ROOT_URLCONF=URLS)
class ClientsAndSettings(SimpleTestCase):
    def test_clients_are_made_per_test(self):
        assert isinstance(self.client, Client) and isinstance(self.async_client, AsyncClient)
        self.assertContains(self.client.get("/page/"), "again")

    async def test_async_test_with_async_client(self):
        response = await self.async_client.get("/async/")
        self.assertContains(response, "async hello")

    def test_settings_and_modify_settings(self):
        with self.settings(DEBUG=True):
            self.assertJSONEqual(self.client.get("/json/").content, {"debug": True, "middleware": []})
        common = "microdj.middleware.common.CommonMiddleware"
        security = "microdj.middleware.security.SecurityMiddleware"
        with self.modify_settings(MIDDLEWARE={"append": common, "prepend": [security, common]}):
            assert self.client.get("/json/").json()["middleware"] == [security, common]
            with self.modify_settings(MIDDLEWARE={"remove": [common]}):
                assert self.client.get("/json/").json()["middleware"] == [security]
        with pytest.raises(ValueError, match="Unsupported action: replace"):
            with self.modify_settings(MIDDLEWARE={"replace": common}):
                pass

    def test_test_case_is_the_same_without_a_database(self):
        assert issubclass(TestCase, SimpleTestCase)


@override_settings(ROOT_URLCONF=URLS)
class Assertions(SimpleTestCase):
    def fails(self, match):
        return pytest.raises(AssertionError, match=match)

    def test_assert_contains(self):
        response = self.client.get("/page/")
        self.assertContains(response, "Hello")
        self.assertContains(response, b"again", count=1)
        self.assertContains(response, "<p>again</p>", html=True)
        self.assertContains(response, '<p class="a b">Hello <b>world</b></p>', html=True, count=1)
        self.assertContains(self.client.get("/latin/"), "café")
        self.assertContains(self.client.get("/stream/"), "chunk two")
        self.assertContains(self.client.get("/missing/"), "gone", status_code=404)
        with self.fails(r"page: Couldn't retrieve content: Response code was 404 \(expected 200\)"):
            self.assertContains(self.client.get("/missing/"), "gone", msg_prefix="page")
        with self.fails(r"Found 1 instances of 'again' \(expected 2\) in the following response\nb'<html>"):
            self.assertContains(self.client.get("/page/"), "again", count=2)
        with self.fails("Couldn't find 'nowhere' in the following response"):
            self.assertContains(self.client.get("/page/"), "nowhere")
        with self.fails("Second argument is not valid HTML:"):
            self.assertContains(self.client.get("/page/"), "</div>", html=True)
        with self.fails("Response's content is not valid HTML:"):
            self.assertContains(self.client.get("/broken/"), "x", html=True)

    def test_assert_not_contains(self):
        self.assertNotContains(self.client.get("/page/"), "nowhere")
        self.assertNotContains(self.client.get("/page/"), "<p>Hello</p>", html=True)
        with self.fails("'again' unexpectedly found in the following response"):
            self.assertNotContains(self.client.get("/page/"), "again")

    def test_assert_redirects(self):
        self.assertRedirects(self.client.get("/redirect/"), "/page/")
        self.assertRedirects(self.client.get("/redirect/", follow=True), "/page/")
        self.assertRedirects(
            self.client.get("/redirect/", {"to": "/missing/"}), "/missing/", target_status_code=404
        )
        self.assertRedirects(
            self.client.get("/redirect/", {"to": "https://elsewhere.example/x?b=2&a=1"}),
            "https://elsewhere.example/x?a=1&b=2",
            fetch_redirect_response=False,
        )
        with pytest.raises(ValueError, match="unable to fetch remote URLs"):
            self.assertRedirects(self.client.get("/redirect/", {"to": "https://elsewhere.example/"}), "x")
        with self.fails(r"Response didn't redirect as expected: Response code was 200 \(expected 302\)"):
            self.assertRedirects(self.client.get("/page/"), "/page/")
        with self.fails(r"Response didn't redirect as expected: Response code was 200 \(expected 302\)"):
            self.assertRedirects(self.client.get("/page/", follow=True), "/page/")
        with self.fails(
            r"Initial response didn't redirect as expected: Response code was 302 \(expected 301\)"
        ):
            self.assertRedirects(self.client.get("/redirect/", follow=True), "/page/", status_code=301)
        with self.fails(r"Final Response code was 200 \(expected 404\)"):
            self.assertRedirects(self.client.get("/redirect/", follow=True), "/page/", target_status_code=404)
        with self.fails(r"Couldn't retrieve redirection page '/missing/': response code was 404"):
            self.assertRedirects(self.client.get("/redirect/", {"to": "/missing/"}), "/missing/")
        with self.fails("Response redirected to '/page/', expected '/other/'"):
            self.assertRedirects(self.client.get("/redirect/"), "/other/")
        relative = self.client.get("/redirect/", {"to": "page/"})
        self.assertRedirects(relative, "/redirect/page/", fetch_redirect_response=False)

    def test_assert_json_equal(self):
        self.assertJSONEqual('{"a": [1, 2]}', {"a": [1, 2]})
        self.assertJSONEqual(b'{"a": 1}', '{"a":1}')
        self.assertJSONNotEqual('{"a": 1}', '{"a": 2}')
        with self.fails("First argument is not valid JSON: 'nope'"):
            self.assertJSONEqual("nope", {})
        with self.fails("Second argument is not valid JSON: 'nope'"):
            self.assertJSONEqual("{}", "nope")
        with self.fails("First argument is not valid JSON"):
            self.assertJSONNotEqual("nope", {})
        with self.fails("Second argument is not valid JSON"):
            self.assertJSONNotEqual("{}", "nope")
        with self.fails(None):
            self.assertJSONEqual('{"a": 1}', {"a": 2})
        with self.fails(None):
            self.assertJSONNotEqual('{"a": 1}', {"a": 1})

    def test_assert_html(self):
        self.assertHTMLEqual('<p class="x y" id="i">a  b</p>', '<p id="i" class="y x">a b</p>')
        self.assertHTMLNotEqual("<p>a</p>", "<p>b</p>")
        with self.fails(r"<p>\na\n</p> != <p>\nb\n</p>|<p>a</p> != <p>b</p>"):
            self.assertHTMLEqual("<p>a</p>", "<p>b</p>")
        with self.fails("<p>a</p> == <p>a</p>"):
            self.assertHTMLNotEqual("<p>a</p>", "<p> a </p>")
        with self.fails("First argument is not valid HTML:\nUnexpected end tag </div>"):
            self.assertHTMLEqual("</div>", "<p></p>")
        with self.fails("Second argument is not valid HTML:"):
            self.assertHTMLNotEqual("<p></p>", "</div>")
        self.assertInHTML("<b>x</b>", "<p><b>x</b><i><b>x</b></i></p>", count=2)
        self.assertInHTML("<b>y</b>", "<p><b>x</b></p>", count=0)
        self.assertInHTML("x", "<p>x</p>")
        self.assertInHTML("x", "x")
        with self.fails("Couldn't find '<b>y</b>' in the following response"):
            self.assertInHTML("<b>y</b>", "<p><b>x</b></p>")
        with self.fails("'<b>x</b>' unexpectedly found"):
            self.assertInHTML("<b>x</b>", "<p><b>x</b></p>", count=0)
        with self.fails(r"here: Found 1 instances of '<b>x</b>' \(expected 3\)"):
            self.assertInHTML("<b>x</b>", "<p><b>x</b></p>", count=3, msg_prefix="here")
        with self.fails("First argument is not valid HTML"):
            self.assertInHTML("</p>", "<p></p>")

    def test_assert_raises_and_warns_message(self):
        with self.assertRaisesMessage(ValueError, "bad value"):
            raise ValueError("a bad value here")
        self.assertRaisesMessage(KeyError, "k", {}.__getitem__, "k")
        with self.fails("'other' not found in 'a bad value'"):
            with self.assertRaisesMessage(ValueError, "other"):
                raise ValueError("a bad value")
        with self.assertWarnsMessage(DeprecationWarning, "going away"):
            warnings.warn("this is going away", DeprecationWarning, stacklevel=1)
        self.assertWarnsMessage(UserWarning, "careful", warnings.warn, "be careful")
        with self.fails("'other' not found in 'be careful'"):
            self.assertWarnsMessage(UserWarning, "other", warnings.warn, "be careful")


def test_runs_under_plain_unittest():
    """The case works outside pytest too: unittest runs it and reports failures."""

    @override_settings(ROOT_URLCONF=URLS)
    class Inner(SimpleTestCase):
        def test_ok(self):
            self.assertContains(self.client.get("/page/"), "Hello")

        async def test_async(self):
            self.assertContains(await self.async_client.get("/async/"), "async")

        def test_fails(self):
            self.assertContains(self.client.get("/page/"), "absent")

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Inner).run(result)
    assert result.testsRun == 3
    assert [test.id().rsplit(".", 1)[1] for test, _ in result.failures] == ["test_fails"]
    assert result.errors == []


@override_settings(ROOT_URLCONF=URLS)
class EdgeCases(SimpleTestCase):
    def test_a_deferred_response_is_rendered_first(self):
        from microdj.http import HttpResponse

        class Deferred(HttpResponse):
            is_rendered = False

            def render(self):
                self.content = b"rendered now"
                self.is_rendered = True
                return self

        self.assertContains(Deferred(b"not yet"), "rendered now")

    async def test_redirects_of_an_async_client_are_not_fetched_from_sync_code(self):
        response = await self.async_client.get("/redirect/")
        with pytest.raises(ValueError, match="AsyncClient response"):
            self.assertRedirects(response, "/page/")
        self.assertRedirects(response, "/page/", fetch_redirect_response=False)
