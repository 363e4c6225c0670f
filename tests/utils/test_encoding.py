"""Tests of microdj.utils.encoding, checked against django.utils.encoding where both apply."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import encoding as dj

from microdj.utils import encoding
from microdj.utils.encoding import (
    DjangoUnicodeDecodeError,
    Promise,
    escape_uri_path,
    filepath_to_uri,
    force_bytes,
    force_str,
    get_system_encoding,
    iri_to_uri,
    is_protected_type,
    punycode,
    repercent_broken_unicode,
    smart_bytes,
    smart_str,
    uri_to_iri,
)


class Lazy(Promise):
    """A lazy string stand-in."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


class StrSub(str):
    pass


def test_force_str_keeps_str_and_subclasses():
    value = StrSub("x")
    assert force_str(value) is value
    assert force_str("é") == "é"


def test_force_str_decodes_bytes_and_converts_objects():
    assert force_str(b"\xc3\xa9") == "é"
    assert force_str(b"\xe9", encoding="latin-1") == "é"
    assert force_str(b"\xff", errors="replace") == "\ufffd"
    assert force_str(12) == "12"
    assert force_str(Lazy("lazy")) == "lazy"


def test_force_str_strings_only_keeps_protected_types():
    for value in (None, 1, 1.5, Decimal("1.1"), datetime.date(2020, 1, 1), datetime.time(1, 2)):
        assert force_str(value, strings_only=True) is value
    assert force_str(None) == "None"
    assert force_str([1], strings_only=True) == "[1]"


def test_force_str_bad_bytes_raise_django_unicode_decode_error():
    with pytest.raises(DjangoUnicodeDecodeError) as info:
        force_str(b"\xff")
    assert isinstance(info.value, UnicodeDecodeError)
    assert "You passed in b'\\xff' (<class 'bytes'>)" in str(info.value)
    with pytest.raises(dj.DjangoUnicodeDecodeError) as dj_info:
        dj.force_str(b"\xff")
    assert str(info.value) == str(dj_info.value)


def test_smart_str_and_smart_bytes_keep_lazy_objects():
    lazy = Lazy("x")
    assert smart_str(lazy) is lazy
    assert smart_bytes(lazy) is lazy
    assert smart_str(b"abc") == "abc"
    assert smart_bytes("é") == b"\xc3\xa9"


def test_force_bytes():
    raw = b"abc"
    assert force_bytes(raw) is raw
    assert force_bytes("é".encode(), encoding="latin-1") == b"\xe9"
    assert force_bytes(memoryview(b"mv")) == b"mv"
    assert force_bytes(3) == b"3"
    assert force_bytes(None, strings_only=True) is None
    assert force_bytes("é", encoding="ascii", errors="ignore") == b""


def test_is_protected_type():
    assert is_protected_type(datetime.datetime(2020, 1, 1))
    assert not is_protected_type("s")


@pytest.mark.parametrize(
    "iri",
    [
        "/I ♥ Django/",
        "red%09rosé#red",
        "/blog/for/Jürgen Münster/",
        "locations/?place=São Paulo&x=~y",
        "http://[::1]/a b?c=d#e",
        "/%2F%25?q=%C3%B6&d=1",
        b"/I \xe2\x99\xa5 Django/",
        "",
    ],
)
def test_iri_to_uri_matches_django(iri):
    assert iri_to_uri(iri) == dj.iri_to_uri(iri)


def test_iri_to_uri_none_and_lazy():
    assert iri_to_uri(None) is None
    assert iri_to_uri(Lazy("/ä/")) == "/%C3%A4/"


@pytest.mark.parametrize(
    "uri",
    [
        "/%E2%99%A5%E2%99%A5/",
        "/%E2%99%A5%E2%99%A5/?utf8=%E2%9C%93",
        "/%41%5a%6B/",
        "/%ab%Ab%aB/",
        "/%25%20%02%7b/",
        "/%AAd%AAj%AAa%AAn%AAg%AAo%AA/",
        "/%E2%99%A5%E2%E2%99%A5/",
        "/%E2%99%A5%E2%99%A5%99/",
        "/no-escapes",
        "%",
        "%z%",
        b"/bytes%C3%A4",
    ],
)
def test_uri_to_iri_matches_django(uri):
    assert uri_to_iri(uri) == dj.uri_to_iri(uri)


def test_uri_to_iri_none():
    assert uri_to_iri(None) is None


def test_uri_iri_round_trip():
    assert uri_to_iri(iri_to_uri("/♥/x y")) == "/♥/x%20y"


def test_repercent_broken_unicode():
    assert repercent_broken_unicode(b"/\xe2\x99\xa5/") == b"/\xe2\x99\xa5/"
    assert repercent_broken_unicode(b"a\xffb\xfec") == b"a%FFb%FEc"
    data = b"\xff" * 100
    assert repercent_broken_unicode(data) == dj.repercent_broken_unicode(data)


@pytest.mark.parametrize("path", ["/;some/=awful/?path/:with/@lots/&of/+awful/chars", "/ü/ é/#x", "a b~*'()"])
def test_escape_uri_path_matches_django(path):
    assert escape_uri_path(path) == dj.escape_uri_path(path)


def test_punycode():
    assert punycode("www.tìm.com") == dj.punycode("www.tìm.com") == "www.xn--tm-kja.com"
    assert punycode("example.com") == "example.com"


def test_filepath_to_uri():
    assert filepath_to_uri(None) is None
    assert filepath_to_uri("upload\\чубака.mp4") == dj.filepath_to_uri("upload\\чубака.mp4")
    assert filepath_to_uri("a b/c'(*)!~.txt") == "a%20b/c'(*)!~.txt"


def test_get_system_encoding(monkeypatch):
    assert isinstance(get_system_encoding(), str)
    assert encoding.DEFAULT_LOCALE_ENCODING
    monkeypatch.setattr(encoding.locale, "getlocale", lambda: (None, "no-such-codec"))
    assert get_system_encoding() == "ascii"
    monkeypatch.setattr(encoding.locale, "getlocale", lambda: (None, None))
    assert get_system_encoding() == "ascii"
    monkeypatch.setattr(encoding.locale, "getlocale", lambda: ("en_US", "UTF-8"))
    assert get_system_encoding() == "UTF-8"


def test_lazy_strings_are_promises_for_the_encoding_helpers():
    from microdj.utils.encoding import Promise, force_str, iri_to_uri
    from microdj.utils.functional import lazystr

    assert isinstance(lazystr("x"), Promise)
    assert iri_to_uri(lazystr("/a b/")) == "/a%20b/" and force_str(lazystr("y")) == "y"


def test_python_version_facts():
    import sys

    from microdj.utils.version import PY311, PYPY

    assert PY311 is True and PYPY is (sys.implementation.name == "pypy")
