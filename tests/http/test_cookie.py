"""Tests of microdj.http.cookie, checked against django.http.cookie."""

from __future__ import annotations

from http import cookies

import pytest
from django.http.cookie import parse_cookie as dj_parse_cookie

from microdj.http.cookie import SimpleCookie, parse_cookie

HEADERS = [
    "",
    "chips=ahoy; vienna=finger",
    'keebler="E=mc2; L=\\"Loves\\"; fudge=\\012;"',
    "keebler=E=mc2",
    "key:term=value:term",
    "a=b; c=[; d=r; f=h",
    "  a  =  b  ;  ;  c=d",
    "nameless",
    "=b",
    "a=",
    "a=b; a=c",
    "csrftoken=abc; sessionid=xyz; django_language=en",
    'a="quoted"; b=\'single\'; c="\\\\"',
    'a="',
    'a="x',
    'a="\\101"',
    "saint=André Bessette",
    "sessionid=1;;;x=2",
    "a b=c d",
]


@pytest.mark.parametrize("header", HEADERS)
def test_parse_cookie_matches_django(header):
    assert parse_cookie(header) == dj_parse_cookie(header)


def test_parse_cookie_examples():
    assert parse_cookie("nameless") == {"": "nameless"}
    assert parse_cookie("a=b; a=c") == {"a": "c"}
    assert parse_cookie('a="\\101\\"x"') == {"a": 'A"x'}
    assert parse_cookie("  ;  ; ") == {}


def test_simple_cookie_is_the_stdlib_one():
    assert SimpleCookie is cookies.SimpleCookie
