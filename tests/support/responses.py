"""Comparing a microdj response with Django's."""

from __future__ import annotations


def same(ours, theirs):
    """Assert that a microdj response and a Django response look the same."""
    assert ours.status_code == theirs.status_code
    assert ours.reason_phrase == theirs.reason_phrase
    assert list(ours.items()) == list(theirs.items())
    assert ours.cookies.output() == theirs.cookies.output()
    assert ours.charset == theirs.charset
    assert repr(ours) == repr(theirs)
    if ours.streaming:
        assert b"".join(ours) == b"".join(theirs)
    else:
        assert ours.content == theirs.content
        assert ours.serialize() == theirs.serialize()
