"""The DEBUG 500 page, the technical 404 and a template page, served by uvicorn and read in headless Chromium.

What a person sees (``innerText``: folded frames excluded) is checked. Screenshots go to a temporary
folder, or to the folder ``MICRODJ_SCREENSHOTS`` names (``make screenshots`` refreshes docs/screenshots/), so
a test run leaves the checkout as it was. Skipped, with the reason, where Debian's ``chromium`` is not
installed (CI installs it).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.load.load_servers import uvicorn_serving
from tests.support.chromium import Chromium, find_chromium

SHOTS = Path(os.environ.get("MICRODJ_SCREENSHOTS") or Path(tempfile.gettempdir()) / "microdj-screenshots")
SHOTS.mkdir(parents=True, exist_ok=True)
BINARY = find_chromium()
SECRETS = [
    "do-not-show-this-secret-key",
    "hunter2-do-not-show",
    "token-do-not-show",
    "signature-do-not-show",
    "nested-do-not-show",
    "pw-do-not-show",
    "q-token-do-not-show",
]

pytestmark = pytest.mark.skipif(
    BINARY is None, reason="headless Chromium is not installed (apt-get install chromium; .ci/run does)"
)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with uvicorn_serving("tests.views.pages_asgi:application", "tests.views.pages_settings") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    assert BINARY is not None
    chromium = Chromium(BINARY)
    try:
        yield chromium
    finally:
        chromium.close()


def test_debug_500_page(server, browser):
    url = f"{server}/shop/checkout/?order=7&api_token=q-token-do-not-show"
    browser.open(url)
    browser.screenshot(SHOTS / "debug-500.png")
    browser.screenshot(SHOTS / "debug-500-top.png", full=False)
    text = browser.text()
    assert "RuntimeError at /shop/checkout/" in text
    assert "RuntimeError: Checkout failed for 2 items" in text
    # The failing line of user code, open; the chained KeyError with its own frame.
    assert 'raise RuntimeError(f"Checkout failed for {len(basket)} items") from error' in text
    assert "return orders[order_id]" in text
    assert "KeyError: 7" in text
    assert "Request Method\tGET" in text
    assert f"Request URL\t{server}/shop/checkout/?order=7&api_token=********************" in text
    assert "tests.views.pages_urls.checkout" in text
    # Library frames are folded: their source is not on screen.
    assert "response = await self._middleware_chain(request)" not in text
    # Settings are listed, secrets masked everywhere (settings, locals, GET, nested dicts).
    assert "ROOT_URLCONF\t'tests.views.pages_urls'" in text
    assert "SECRET_KEY\t********************" in text
    assert "DATABASE_PASSWORD\t********************" in text
    assert "'PASSWORD': '********************'" in text
    assert "api_token\t********************" in text
    for secret in SECRETS:
        assert secret not in text
    html = browser.evaluate("document.documentElement.outerHTML")
    for secret in SECRETS:
        assert secret not in html


def test_local_variables_open_on_click(server, browser):
    browser.open(f"{server}/shop/checkout/?order=3")
    browser.evaluate(
        "document.querySelectorAll('details.frame.user details.vars').forEach(d => d.open = true)"
    )
    text = browser.text()
    assert "basket\t['apples', 'pears']" in text
    assert "card_password\t********************" in text
    browser.screenshot(SHOTS / "debug-500-locals.png")


def test_template_syntax_error_page(server, browser):
    browser.open(f"{server}/broken-template/")
    browser.screenshot(SHOTS / "debug-template-error.png", full=False)
    text = browser.text()
    assert text.startswith("TemplateSyntaxError at /broken-template/")
    assert (
        "Template error" in text and "broken.html, error at line 5: Encountered unknown tag 'endfo'" in text
    )
    assert "{% endfo %}" in text and "{% for x in items %}" in text
    colour = browser.evaluate(
        "getComputedStyle(document.querySelector('.source li.current')).backgroundColor"
    )
    assert colour == "rgb(255, 224, 138)"  # the failing line is highlighted


def test_technical_404_page(server, browser):
    browser.open(f"{server}/shop/nowhere/")
    browser.screenshot(SHOTS / "debug-404.png")
    text = browser.text()
    assert text.startswith("Page not found (404)")
    assert "Request Method\tGET" in text and f"Request URL\t{server}/shop/nowhere/" in text
    assert "URL patterns tried, in this order:" in text
    assert "shop/checkout/ [name='checkout']" in text and "[name='page']" in text
    assert "The current path, shop/nowhere/, didn't match any of these." in text
    assert "DEBUG = True" in text


def test_template_page_with_its_stylesheet(server, browser):
    browser.open(f"{server}/")
    browser.screenshot(SHOTS / "template-page.png")
    text = browser.text()
    assert text.startswith("Price list")
    assert "Today's prices by A & B on Monday" in text
    assert "20\titem <19>\t57" in text
    colour = browser.evaluate("getComputedStyle(document.querySelector('h1')).color")
    assert colour == "rgb(11, 83, 148)"  # from /static/css/site.css
