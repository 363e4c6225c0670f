"""origin_allowed(): the default (own host and ALLOWED_HOSTS) and WEBSOCKET_ALLOWED_ORIGINS."""

from __future__ import annotations

import pytest

from microdj.core.exceptions import ImproperlyConfigured
from microdj.test import override_settings
from microdj.websocket.origin import origin_allowed


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        (None, "testserver", True),  # not a browser
        ("http://testserver", "testserver", True),
        ("https://testserver:8443", "testserver", True),  # the same host, any port
        ("http://localhost:3000", "testserver", True),  # in ALLOWED_HOSTS
        ("https://evil.example", "testserver", False),
        ("https://evil.example", "evil.example", True),  # the handshake's own host
        ("null", "testserver", False),
        ("ftp://testserver", "testserver", False),
        ("http://testserver/path", "testserver", False),
        ("http://", "testserver", False),
        ("http://[::1", "testserver", False),
        ("http://bad_host!", "testserver", False),
    ],
)
def test_default_policy(origin: str | None, host: str, allowed: bool) -> None:
    assert origin_allowed(origin, host) is allowed


def test_a_wildcard_in_allowed_hosts_does_not_open_every_origin() -> None:
    with override_settings(ALLOWED_HOSTS=["*"]):
        assert not origin_allowed("https://evil.example", "site.example")
        assert origin_allowed("https://site.example", "site.example")


def test_debug_hosts_when_allowed_hosts_is_empty() -> None:
    with override_settings(ALLOWED_HOSTS=[], DEBUG=True):
        assert origin_allowed("http://app.localhost:8000", "127.0.0.1:8000")
        assert not origin_allowed("http://example.com", "127.0.0.1:8000")


def test_the_setting_lists_origins_and_domain_patterns() -> None:
    with override_settings(
        WEBSOCKET_ALLOWED_ORIGINS=["https://app.example", ".partner.example", "Other.example"]
    ):
        assert origin_allowed("https://app.example", "x")
        assert origin_allowed("https://app.example:443", "x")
        assert not origin_allowed("http://app.example", "x")  # another scheme
        assert not origin_allowed("https://app.example:8443", "x")  # another port
        assert origin_allowed("http://a.partner.example:81", "x")
        assert origin_allowed("https://other.example", "x")
        assert not origin_allowed("https://testserver", "testserver")  # the list replaces the default
    with override_settings(WEBSOCKET_ALLOWED_ORIGINS=["*"]):
        assert origin_allowed("null", "x")
    with override_settings(WEBSOCKET_ALLOWED_ORIGINS=["https://[bad"]):
        assert not origin_allowed("https://app.example", "x")


def test_a_bad_setting_is_reported() -> None:
    with (
        override_settings(WEBSOCKET_ALLOWED_ORIGINS="https://app.example"),
        pytest.raises(ImproperlyConfigured, match="WEBSOCKET_ALLOWED_ORIGINS"),
    ):
        origin_allowed("https://app.example", "x")
