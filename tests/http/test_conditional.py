"""microdj.http.conditional: entity-tag comparison and the order of preconditions (RFC 9110 section 13)."""

from __future__ import annotations

import pytest

from microdj.http.conditional import (
    NOT_MODIFIED,
    PRECONDITION_FAILED,
    if_range_holds,
    precondition_status,
    strong_match,
    weak_match,
)
from microdj.utils.http import http_date

MTIME = 1_700_000_000
DATE = http_date(MTIME)
EARLIER = http_date(MTIME - 100)


def is_not_modified(meta: dict[str, str], etag: str | None, last_modified: int | None) -> bool:
    return precondition_status(meta, "GET", etag, last_modified) == NOT_MODIFIED


# comparison -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "strong", "weak"),
    [
        # The table of RFC 9110 section 8.8.3.2.
        ('W/"1"', 'W/"1"', False, True),
        ('W/"1"', 'W/"2"', False, False),
        ('W/"1"', '"1"', False, True),
        ('"1"', '"1"', True, True),
        ('"1"', '"2"', False, False),
        # Only one leading W/ marks a weak tag; other W and / characters belong to the tag.
        ('"1"W', '"1"', False, False),
        ('/"1"', '"1"', False, False),
        ('W/W/"1"', '"1"', False, False),
        ('"W/1"', '"1"', False, False),
    ],
)
def test_strong_and_weak_comparison(a: str, b: str, strong: bool, weak: bool) -> None:
    assert strong_match(a, b) is strong and strong_match(b, a) is strong
    assert weak_match(a, b) is weak and weak_match(b, a) is weak


def test_if_match_compares_strongly_and_if_none_match_weakly() -> None:
    assert precondition_status({"HTTP_IF_MATCH": '"1"'}, "PUT", '"1"', None) is None
    assert precondition_status({"HTTP_IF_MATCH": 'W/"1"'}, "PUT", 'W/"1"', None) == PRECONDITION_FAILED
    assert precondition_status({"HTTP_IF_MATCH": '"1"'}, "PUT", 'W/"1"', None) == PRECONDITION_FAILED
    # "*" matches any current representation, even one with a weak tag, but not a missing one.
    assert precondition_status({"HTTP_IF_MATCH": "*"}, "PUT", 'W/"1"', None) is None
    assert precondition_status({"HTTP_IF_MATCH": "*"}, "PUT", None, None) == PRECONDITION_FAILED
    assert precondition_status({"HTTP_IF_NONE_MATCH": 'W/"1"'}, "GET", '"1"', None) == NOT_MODIFIED
    assert precondition_status({"HTTP_IF_NONE_MATCH": '"1"'}, "GET", 'W/"1"', None) == NOT_MODIFIED
    assert precondition_status({"HTTP_IF_NONE_MATCH": '"1"'}, "GET", '"1"W', None) is None
    assert precondition_status({"HTTP_IF_NONE_MATCH": "*"}, "GET", None, None) is None


# precedence (RFC 9110 section 13.2.2) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "method", "status"),
    [
        # 1. If-Match fails: 412, whatever If-None-Match would say.
        ({"HTTP_IF_MATCH": '"2"', "HTTP_IF_NONE_MATCH": '"1"'}, "GET", PRECONDITION_FAILED),
        # 2. If-Unmodified-Since only counts without If-Match.
        ({"HTTP_IF_UNMODIFIED_SINCE": EARLIER}, "PUT", PRECONDITION_FAILED),
        ({"HTTP_IF_UNMODIFIED_SINCE": DATE}, "PUT", None),
        ({"HTTP_IF_MATCH": '"1"', "HTTP_IF_UNMODIFIED_SINCE": EARLIER}, "PUT", None),
        # 3. If-None-Match: 304 for GET and HEAD, 412 for other methods.
        ({"HTTP_IF_NONE_MATCH": '"1"'}, "GET", NOT_MODIFIED),
        ({"HTTP_IF_NONE_MATCH": '"1"'}, "HEAD", NOT_MODIFIED),
        ({"HTTP_IF_NONE_MATCH": '"1"'}, "POST", PRECONDITION_FAILED),
        ({"HTTP_IF_MATCH": '"1"', "HTTP_IF_NONE_MATCH": '"1"'}, "GET", NOT_MODIFIED),
        # 4. If-Modified-Since only counts without If-None-Match, and only for GET and HEAD.
        ({"HTTP_IF_MODIFIED_SINCE": DATE}, "GET", NOT_MODIFIED),
        ({"HTTP_IF_MODIFIED_SINCE": DATE}, "HEAD", NOT_MODIFIED),
        ({"HTTP_IF_MODIFIED_SINCE": DATE}, "POST", None),
        ({"HTTP_IF_MODIFIED_SINCE": EARLIER}, "GET", None),
        ({"HTTP_IF_NONE_MATCH": '"2"', "HTTP_IF_MODIFIED_SINCE": DATE}, "GET", None),
        # A header without a valid entity-tag, or with a date that does not parse, counts as absent.
        ({"HTTP_IF_NONE_MATCH": "junk", "HTTP_IF_MODIFIED_SINCE": DATE}, "GET", NOT_MODIFIED),
        ({"HTTP_IF_NONE_MATCH": "", "HTTP_IF_MODIFIED_SINCE": DATE}, "GET", NOT_MODIFIED),
        ({"HTTP_IF_MATCH": "junk", "HTTP_IF_UNMODIFIED_SINCE": EARLIER}, "PUT", PRECONDITION_FAILED),
        ({"HTTP_IF_UNMODIFIED_SINCE": "yesterday"}, "PUT", None),
        ({"HTTP_IF_MODIFIED_SINCE": "yesterday"}, "GET", None),
        ({}, "GET", None),
    ],
)
def test_precedence(meta: dict[str, str], method: str, status: int | None) -> None:
    assert precondition_status(meta, method, '"1"', MTIME) == status


def test_no_validators() -> None:
    # Without an ETag If-Match fails and If-None-Match passes; without a time, both date checks do.
    assert precondition_status({"HTTP_IF_MATCH": '"1"'}, "GET", None, MTIME) == PRECONDITION_FAILED
    assert precondition_status({"HTTP_IF_NONE_MATCH": '"1"'}, "GET", None, MTIME) is None
    assert precondition_status({"HTTP_IF_UNMODIFIED_SINCE": DATE}, "PUT", None, None) == PRECONDITION_FAILED
    assert precondition_status({"HTTP_IF_MODIFIED_SINCE": DATE}, "GET", None, None) is None


def test_time_zero_is_no_time() -> None:
    # As in Django: a Last-Modified of 0 and a header date at the epoch count as absent.
    epoch = http_date(0)
    assert precondition_status({"HTTP_IF_MODIFIED_SINCE": DATE}, "GET", None, 0) is None
    assert precondition_status({"HTTP_IF_UNMODIFIED_SINCE": DATE}, "PUT", None, 0) == PRECONDITION_FAILED
    assert precondition_status({"HTTP_IF_UNMODIFIED_SINCE": epoch}, "PUT", None, MTIME) is None
    assert precondition_status({"HTTP_IF_MODIFIED_SINCE": epoch}, "GET", None, MTIME) is None


# If-Range and the GET answers FileResponse gives --------------------------------------------------------


def test_if_range_holds():
    date = http_date(MTIME)
    assert if_range_holds('"v1"', '"v1"', None)
    assert not if_range_holds('"v1"', '"v2"', None)
    assert not if_range_holds('"v1"', None, MTIME)
    assert not if_range_holds('W/"v1"', 'W/"v1"', None)
    assert not if_range_holds('"v1"', 'W/"v1"', None)
    assert if_range_holds(date, None, MTIME)
    assert not if_range_holds(date, None, MTIME + 1)
    assert not if_range_holds(date, None, None)
    assert not if_range_holds("garbage", None, MTIME)


def test_is_not_modified():
    date = http_date(MTIME)
    assert is_not_modified({"HTTP_IF_NONE_MATCH": '"a", "b"'}, '"b"', None)
    assert is_not_modified({"HTTP_IF_NONE_MATCH": 'W/"b"'}, '"b"', None)
    assert is_not_modified({"HTTP_IF_NONE_MATCH": "*"}, '"b"', None)
    assert not is_not_modified({"HTTP_IF_NONE_MATCH": '"a"'}, '"b"', None)
    assert not is_not_modified({"HTTP_IF_NONE_MATCH": '"a"'}, None, MTIME)
    # If-None-Match wins over If-Modified-Since.
    assert not is_not_modified({"HTTP_IF_NONE_MATCH": '"a"', "HTTP_IF_MODIFIED_SINCE": date}, '"b"', MTIME)
    assert is_not_modified({"HTTP_IF_MODIFIED_SINCE": date}, None, MTIME)
    assert is_not_modified({"HTTP_IF_MODIFIED_SINCE": http_date(MTIME + 60)}, None, MTIME)
    assert not is_not_modified({"HTTP_IF_MODIFIED_SINCE": http_date(MTIME - 1)}, None, MTIME)
    assert not is_not_modified({"HTTP_IF_MODIFIED_SINCE": date}, None, None)
    assert not is_not_modified({"HTTP_IF_MODIFIED_SINCE": "yesterday"}, None, MTIME)
    assert not is_not_modified({}, '"b"', MTIME)
