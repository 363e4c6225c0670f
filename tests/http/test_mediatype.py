"""MediaType: parsing, text forms, matching, quality and specificity — compared with Django's MediaType."""

from __future__ import annotations

import math

import pytest
from django.http.request import MediaType as DjangoMediaType

from microdj.http.mediatype import MediaType

# Django's settings are configured by tests/conftest.py.

LINES = [
    None,
    "",
    "text/html",
    "TEXT/HTML",
    " text/html ",
    "text/*",
    "*/*",
    "*",
    "text",
    "text/",
    "/html",
    "application/json; charset=utf-8",
    "text/html;q=0.9",
    "text/html; q=0.9; level=1",
    "text/html;level=1;q=0.5",
    "text/html; Level=1",
    'text/plain; format="flowed"',
    "text/*;q=0.3",
    "*/*; q=0.1",
    "application/vnd.api+json;version=2",
    "text/html;q=",
    "text/html;q=abc",
    "text/html;q=-0.1",
    "text/html;q=1.5",
    "text/html;q=1",
    "text/html;q=0",
    "text/html;q=0.12345",
    "text/html;q=0.0004",
    "text/html;q=0.9995",
    "text/html;q=inf",
    "text/html;q=1e-1",
]


@pytest.mark.parametrize("line", LINES)
def test_parsing_and_text_forms_match_django(line):
    ours, theirs = MediaType(line), DjangoMediaType(line)
    assert (ours.main_type, ours.sub_type, ours.params) == (theirs.main_type, theirs.sub_type, theirs.params)
    assert str(ours) == str(theirs)
    assert repr(ours) == repr(theirs)
    assert ours.range_params == theirs.range_params
    assert ours.quality == theirs.quality
    assert type(ours.quality) is type(theirs.quality)
    assert ours.specificity == theirs.specificity


MATCH_CASES = [
    ("text/html", "text/html"),
    ("text/html", "text/plain"),
    ("text/html", "application/html"),
    ("text/*", "text/html"),
    ("text/html", "text/*"),
    ("*/*", "application/json"),
    ("application/json", "*/*"),
    ("*/*", "*/*"),
    ("text/*", "image/*"),
    ("*/html", "text/html"),
    ("text/html", ""),
    ("text/html", None),
    ("", "text/html"),
    ("text", "text/html"),
    ("text/html", "text"),
    ("text/html", "text/"),
    # Parameters: both sides must agree; on one side only, only the receiver's count.
    ("text/html; level=1", "text/html; level=1"),
    ("text/html; level=1", "text/html; level=2"),
    ("text/html; level=1", "text/html"),
    ("text/html", "text/html; level=1"),
    ("text/*; level=1", "text/html"),
    ("*/*", "text/html; level=1"),
    ("text/html; q=0.5", "text/html"),
    ("text/html", "text/html; q=0.5"),
    ("text/html; q=0.5; level=1", "text/html; level=1; q=0.9"),
    ("text/html; level=1; charset=utf-8", "text/html; charset=utf-8; level=1"),
    ("text/html; level=1", "text/html; charset=utf-8"),
    ("TEXT/HTML", "text/html"),
]


@pytest.mark.parametrize(("this", "other"), MATCH_CASES)
def test_match_agrees_with_django(this, other):
    expected = DjangoMediaType(this).match(other)
    assert MediaType(this).match(other) is expected
    if other:
        # A MediaType argument is used as is.
        assert MediaType(this).match(MediaType(other)) is expected


@pytest.mark.parametrize(
    ("this", "other", "expected"),
    [
        ("text/*", "text/html", True),
        ("*/*", "image/png", True),
        ("text/html", "text/plain", False),
        ("text/html; level=1", "text/html", True),
        ("text/html", "text/html; level=1", False),
        ("text/html; level=1", "text/html; level=2", False),
        ("text/html; q=0.1", "text/html; q=0.9", True),
        ("text/html", "", False),
        ("text", "text", False),
    ],
)
def test_match_rules(this, other, expected):
    assert MediaType(this).match(other) is expected


def test_text_forms():
    media = MediaType("application/json; charset=utf-8; q=0.5")
    assert str(media) == "application/json; charset=utf-8; q=0.5"
    assert repr(media) == "<MediaType: application/json; charset=utf-8; q=0.5>"
    assert str(MediaType("text")) == "text"
    assert str(MediaType(None)) == ""


@pytest.mark.parametrize(
    ("line", "quality"),
    [
        ("text/html", 1),
        ("text/html;q=0.8", 0.8),
        ("text/html;q=0", 0.0),
        ("text/html;q=0.12345", 0.123),
        ("text/html;q=0.0006", 0.001),
        ("text/html;q=bad", 1),
        ("text/html;q=-1", 1),
        ("text/html;q=2", 1),
        ("text/html;q=nan", 1),
    ],
)
def test_quality(line, quality):
    assert MediaType(line).quality == quality


def test_quality_nan_differs_from_django_on_purpose():
    # Django keeps NaN (no comparison with NaN is true); microdj treats it as invalid, so 1.
    assert math.isnan(DjangoMediaType("text/html;q=nan").quality)
    assert MediaType("text/html;q=nan").quality == 1


@pytest.mark.parametrize(
    ("line", "specificity"),
    [
        ("*/*", 0),
        ("*/*; q=0.5", 0),
        ("text/*", 1),
        ("text/*; level=1", 1),
        ("text/html", 2),
        ("text/html; q=0.4", 2),
        ("text/html; level=1", 3),
    ],
)
def test_specificity(line, specificity):
    assert MediaType(line).specificity == specificity


def test_range_params_leave_out_the_quality():
    media = MediaType("text/html; q=0.4; level=1")
    assert media.params == {"q": "0.4", "level": "1"}
    assert media.range_params == {"level": "1"}
