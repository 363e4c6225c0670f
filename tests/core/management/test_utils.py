"""Command helpers: secret keys and [ADDR:]PORT."""

import pytest

from microdj.core.management.base import CommandError
from microdj.core.management.utils import get_random_secret_key, parse_addrport


def test_secret_keys_are_long_and_different():
    keys = {get_random_secret_key() for _ in range(5)}
    assert len(keys) == 5 and all(len(k) == 50 for k in keys)
    assert len(get_random_secret_key(10)) == 10
    assert not any(c in k for k in keys for c in "\"'\\")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8000", ("127.0.0.1", 8000)),
        ("0", ("127.0.0.1", 0)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),
        ("0:8000", ("0.0.0.0", 8000)),
        ("localhost:9000", ("localhost", 9000)),
        ("[::1]:8000", ("::1", 8000)),
    ],
)
def test_parse_addrport(text, expected):
    assert parse_addrport(text) == expected


def test_parse_addrport_default_address():
    assert parse_addrport("8000", "::1") == ("::1", 8000)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3.4:", ":80", "::1:80", "99999"])
def test_bad_addrport(text):
    with pytest.raises(CommandError) as error_info:
        parse_addrport(text)
    assert error_info.value.returncode == 2
