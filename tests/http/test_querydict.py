"""Tests for microdj.http.querydict, differential against django.http.QueryDict."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import django.conf
import pytest
from django.core import exceptions as dj_exceptions
from django.http import QueryDict as DjangoQueryDict
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from microdj.conf import settings
from microdj.core.exceptions import TooManyFieldsSent
from microdj.http.querydict import QueryDict, bytes_to_text
from microdj.utils.datastructures import MultiValueDict, MultiValueDictKeyError

TRICKY_QUERY_STRINGS: list[str | bytes | None] = [
    None,
    "",
    b"",
    "a",
    "a=",
    "=b",
    "=",
    "==",
    "a==b",
    "a=1&a=2",
    "a=1&b=2&a=3",
    "a=%ZZ",
    "a=%",
    "a=%4",
    "%=%",
    "a=%C3%A9",
    "a=%c3%a9",
    "a=%ff",
    "a=%C3",
    "%E2%82%AC=%E2%82%AC",
    "+",
    "a+b=c+d",
    "a%2Bb=c%2Bd",
    "a;b=c",
    "a=1;b=2",
    "&&",
    "&",
    "a=1&&b=2",
    "&a=1&",
    "é=ü",
    "ключ=значение&emoji=🎉",
    b"a=1&b=2",
    b"a=%C3%A9",
    "a=\xe9".encode("latin-1"),
    "é=ü".encode(),
    b"\xff\xfe=\x80",
    "a=%00&b=\x00",
    b"a=\x00",
    "a=" + "x" * 50_000,
    "&".join(f"k{i}=v{i}" for i in range(1000)),
    "&".join(["a=1"] * 1000),
    "next=%2Fa%26b%2F",
    "a=b=c",
    "a%3Db=c",
    "%20a%20=%20b%20",
    "a=%u00e9",
    "a=%%41",
    "a=%41%",
]


def _ours(query_string: Any, **kwargs: Any) -> list[tuple[str, list[str]]]:
    return list(QueryDict(query_string, **kwargs).lists())


def _theirs(query_string: Any, **kwargs: Any) -> list[tuple[str, list[str]]]:
    return list(DjangoQueryDict(query_string, **kwargs).lists())


def _same_outcome(query_string: Any, **kwargs: Any) -> None:
    """Both implementations give the same lists, or both refuse with TooManyFieldsSent."""
    try:
        expected = _theirs(query_string, **kwargs)
    except dj_exceptions.TooManyFieldsSent as exc:
        with pytest.raises(TooManyFieldsSent) as info:
            _ours(query_string, **kwargs)
        assert str(info.value) == str(exc)
    else:
        assert _ours(query_string, **kwargs) == expected


# --- parsing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query_string", TRICKY_QUERY_STRINGS)
def test_parsing_matches_django(query_string: str | bytes | None) -> None:
    _same_outcome(query_string)


@pytest.mark.parametrize("query_string", [qs for qs in TRICKY_QUERY_STRINGS if qs and len(qs) < 100])
@pytest.mark.parametrize("encoding", ["iso-8859-1", "cp1252", "utf-16", "shift_jis"])
def test_parsing_with_encoding_matches_django(query_string: str | bytes, encoding: str) -> None:
    _same_outcome(query_string, encoding=encoding)


def test_parsing_examples() -> None:
    q = QueryDict("a=1&a=2&b=%C3%A9+x&c&d=%ZZ;e")
    assert list(q.lists()) == [("a", ["1", "2"]), ("b", ["é x"]), ("c", [""]), ("d", ["%ZZ;e"])]
    assert q["a"] == "2"
    assert QueryDict("a=%ff")["a"] == "\ufffd"
    assert QueryDict(b"a=\xe9")["a"] == "é", "undecodable bytes fall back to iso-8859-1"
    assert QueryDict("a=%E9", encoding="iso-8859-1")["a"] == "é"
    assert QueryDict("a=%00")["a"] == "\x00"


def test_is_a_multivaluedict() -> None:
    q = QueryDict("a=1")
    assert isinstance(q, MultiValueDict)
    assert isinstance(q, dict)
    with pytest.raises(MultiValueDictKeyError):
        q["missing"]
    assert q.getlist("missing") == []
    assert q.get("a") == "1"


@given(st.text(alphabet=st.sampled_from("ab=&;+%20CcE9é€\x00 fFzZ"), max_size=40))
@hypothesis_settings(max_examples=300, deadline=None)
def test_parsing_property_text_alphabet(query_string: str) -> None:
    _same_outcome(query_string)


# Percent escapes are decoded by the unicode_escape codec when they can be: backslashes, "x", malformed and
# truncated escapes, and escapes that decode to '&', '=' or '+' must all still decode as Django does.
@given(
    st.text(alphabet=st.sampled_from("a=&+%\\xX0123456789cCeEfF2D3B6é\x00 "), max_size=40),
    st.sampled_from([None, "iso-8859-1", "utf-16", "shift_jis"]),
)
@hypothesis_settings(max_examples=500, deadline=None)
def test_parsing_property_escapes(query_string: str, encoding: str | None) -> None:
    _same_outcome(query_string, encoding=encoding)


@given(st.text(max_size=60))
@hypothesis_settings(max_examples=200, deadline=None)
def test_parsing_property_any_text(query_string: str) -> None:
    _same_outcome(query_string)


@given(st.binary(max_size=60), st.sampled_from([None, "utf-8", "iso-8859-1", "utf-16", "cp1252"]))
@hypothesis_settings(max_examples=300, deadline=None)
def test_parsing_property_bytes(query_string: bytes, encoding: str | None) -> None:
    _same_outcome(query_string, encoding=encoding)


# --- DATA_UPLOAD_MAX_NUMBER_FIELDS ------------------------------------------------------------------


@pytest.mark.parametrize("limit", [0, 1, 2, 3, None])
@pytest.mark.parametrize("query_string", ["", "a", "a=1&b=2", "a=1&b=2&c=3", "a&&", "&&&", b"a&b", ";;;"])
def test_field_limit_matches_django(
    monkeypatch: pytest.MonkeyPatch, limit: int | None, query_string: str | bytes
) -> None:
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_NUMBER_FIELDS", limit)
    monkeypatch.setattr(django.conf.settings, "DATA_UPLOAD_MAX_NUMBER_FIELDS", limit)
    _same_outcome(query_string)


def test_field_limit_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_NUMBER_FIELDS", 1)
    with pytest.raises(TooManyFieldsSent) as info:
        QueryDict("a=1&b=2")
    assert str(info.value) == (
        "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
    )
    assert dict(QueryDict("a=1")) == {"a": ["1"]}


def test_default_field_limit_is_1000() -> None:
    assert len(QueryDict("&".join(["a=1"] * 1000)).getlist("a")) == 1000
    with pytest.raises(TooManyFieldsSent):
        QueryDict("&".join(["a=1"] * 1001))


# --- encoding ---------------------------------------------------------------------------------------


def test_encoding_defaults_to_default_charset(monkeypatch: pytest.MonkeyPatch) -> None:
    assert QueryDict().encoding == "utf-8"
    monkeypatch.setattr(settings, "DEFAULT_CHARSET", "iso-8859-1")
    q = QueryDict("a=%E9")
    assert q.encoding == "iso-8859-1"
    assert q["a"] == "é"
    assert QueryDict(encoding="cp1252").encoding == "cp1252"


def test_encoding_setter_only_records(monkeypatch: pytest.MonkeyPatch) -> None:
    q = QueryDict("a=%C3%A9", mutable=True)
    q.encoding = "iso-8859-1"
    assert q.encoding == "iso-8859-1"
    assert q["a"] == "é", "existing data is not decoded again"
    q["b"] = b"\xe9"
    assert q["b"] == "é"
    dq = DjangoQueryDict("a=%C3%A9", mutable=True)
    dq.encoding = "iso-8859-1"
    assert dq["a"] == "é"


def test_encoding_unset_reads_settings() -> None:
    q = QueryDict.__new__(QueryDict)
    assert q.encoding == "utf-8"
    assert q._encoding == "utf-8"


# --- immutability -----------------------------------------------------------------------------------

MUTATIONS: list[Callable[[QueryDict], Any]] = [
    lambda q: q.__setitem__("a", "1"),
    lambda q: q.__delitem__("a"),
    lambda q: q.setlist("a", ["1"]),
    lambda q: q.setlistdefault("a"),
    lambda q: q.appendlist("a", "1"),
    lambda q: q.pop("a"),
    lambda q: q.pop("zz", None),
    lambda q: q.popitem(),
    lambda q: q.clear(),
    lambda q: q.setdefault("a", "1"),
    lambda q: q.update({"a": "1"}),
]


@pytest.mark.parametrize("mutate", MUTATIONS)
def test_immutable_by_default(mutate: Callable[[QueryDict], Any]) -> None:
    q = QueryDict("a=1")
    with pytest.raises(AttributeError, match="^This QueryDict instance is immutable$"):
        mutate(q)
    assert dict(q) == {"a": ["1"]}
    dq = DjangoQueryDict("a=1")
    with pytest.raises(AttributeError, match="^This QueryDict instance is immutable$"):
        mutate(dq)


def test_empty_querydict_is_immutable_too() -> None:
    with pytest.raises(AttributeError):
        QueryDict()["a"] = "1"
    with pytest.raises(AttributeError):
        QueryDict(b"")["a"] = "1"


@pytest.mark.parametrize("mutate", MUTATIONS)
def test_mutable_matches_django(mutate: Callable[[QueryDict], Any]) -> None:
    q, dq = QueryDict("a=1&a=2&b=3", mutable=True), DjangoQueryDict("a=1&a=2&b=3", mutable=True)
    assert mutate(q) == mutate(dq)
    assert list(q.lists()) == list(dq.lists())


def test_mutable_operations_decode_bytes() -> None:
    q = QueryDict(mutable=True)
    q[b"k\xc3\xa9"] = b"v\xc3\xa9"
    q.setlist(b"l", [b"x", "y", b"\xff", 3])
    q.appendlist(b"l", b"z")
    assert q.setdefault(b"s", b"d") == "d"
    assert q.setdefault("s", b"other") == "d"
    assert q.setdefault("n") is None
    assert list(q.lists()) == [
        ("ké", ["vé"]),
        ("l", ["x", "y", "\ufffd", 3, "z"]),
        ("s", ["d"]),
        ("n", [None]),
    ]
    assert q.pop("s") == ["d"]
    assert q.popitem() == ("n", [None])
    assert q.setlistdefault("new", ["a"]) == ["a"]
    del q["new"]
    q.clear()
    assert q == {}


def test_bytes_to_text() -> None:
    assert bytes_to_text(b"\xc3\xa9", "utf-8") == "é"
    assert bytes_to_text(b"\xff", "utf-8") == "\ufffd"
    assert bytes_to_text(b"\xe9", "iso-8859-1") == "é"
    marker = object()
    assert bytes_to_text(marker, "utf-8") is marker
    assert bytes_to_text("s", "utf-8") == "s"


# --- fromkeys ---------------------------------------------------------------------------------------


def test_fromkeys() -> None:
    q = QueryDict.fromkeys(["a", "b", "a"], value="v")
    assert type(q) is QueryDict
    assert list(q.lists()) == [("a", ["v", "v"]), ("b", ["v"])]
    with pytest.raises(AttributeError):
        q["c"] = "x"
    assert QueryDict.fromkeys([b"k"], value=b"\xe9", encoding="iso-8859-1") == {"k": ["é"]}
    assert QueryDict.fromkeys([]) == {}
    assert QueryDict.fromkeys(["a"]) == {"a": [""]}
    m = QueryDict.fromkeys(["a"], mutable=True)
    m["z"] = "1"
    assert m.getlist("z") == ["1"]
    assert list(m.lists()) == [*list(DjangoQueryDict.fromkeys(["a", "z"]).lists())[:1], ("z", ["1"])]


# --- copies and pickling ----------------------------------------------------------------------------


@pytest.mark.parametrize("make_copy", [lambda q: q.copy(), copy.copy, copy.deepcopy])
def test_copies_are_mutable(make_copy: Callable[[QueryDict], QueryDict]) -> None:
    q = QueryDict("a=1&a=2&b=3", encoding="iso-8859-1")
    duplicate = make_copy(q)
    assert type(duplicate) is QueryDict
    assert duplicate == q
    assert duplicate.encoding == "iso-8859-1"
    duplicate["a"] = "x"
    duplicate.appendlist("b", "4")
    assert list(q.lists()) == [("a", ["1", "2"]), ("b", ["3"])]
    assert duplicate.getlist("b") == ["3", "4"]


def test_copy_is_deep_and_shallow_copy_shares_values() -> None:
    q = QueryDict(mutable=True)
    inner = ["x"]
    q.setlist("a", [inner, inner])
    deep = q.copy()
    assert deep.getlist("a")[0] is not inner
    assert deep.getlist("a")[0] is deep.getlist("a")[1]
    shallow = copy.copy(q)
    assert shallow.getlist("a")[0] is inner


def test_deepcopy_memo() -> None:
    q = QueryDict("a=1")
    memo: dict[int, Any] = {}
    duplicate = copy.deepcopy(q, memo)
    assert memo[id(q)] is duplicate
    pair = copy.deepcopy([q, q])
    assert pair[0] is pair[1]


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize("mutable", [False, True])
def test_pickle_round_trip(protocol: int, mutable: bool) -> None:
    q = QueryDict("a=1&a=2&b=&c=%C3%A9", mutable=mutable, encoding="utf-8")
    restored = pickle.loads(pickle.dumps(q, protocol))
    assert type(restored) is QueryDict
    assert list(restored.lists()) == list(q.lists())
    assert restored._mutable is mutable
    assert restored.encoding == "utf-8"
    if not mutable:
        with pytest.raises(AttributeError):
            restored["x"] = "1"


def test_pickle_keeps_custom_encoding() -> None:
    q = QueryDict("a=%E9", encoding="iso-8859-1")
    restored = pickle.loads(pickle.dumps(q))
    assert restored.encoding == "iso-8859-1"
    assert restored["a"] == "é"


# --- urlencode, dict, repr --------------------------------------------------------------------------


@pytest.mark.parametrize("safe", [None, "", "/", "/&", "é"])
@pytest.mark.parametrize("encoding", [None, "iso-8859-1"])
@pytest.mark.parametrize(
    "pairs",
    [
        [("next", "/a&b/")],
        [("a", "1"), ("a", "2"), ("b", "x y+z")],
        [("é", "ü"), ("k", "é/é")],
        [("empty", ""), ("int", 3), ("none", None)],
        [],
    ],
)
def test_urlencode_matches_django(
    safe: str | None, encoding: str | None, pairs: list[tuple[str, Any]]
) -> None:
    q, dq = QueryDict(mutable=True, encoding=encoding), DjangoQueryDict(mutable=True, encoding=encoding)
    for key, value in pairs:
        q.appendlist(key, value)
        dq.appendlist(key, value)
    assert q.urlencode(safe) == dq.urlencode(safe)


def test_urlencode_examples() -> None:
    q = QueryDict(mutable=True)
    q["next"] = "/a&b/"
    assert q.urlencode() == "next=%2Fa%26b%2F"
    assert q.urlencode(safe="/") == "next=/a%26b/"
    q.setlist("x", ["1 2", "é"])
    assert q.urlencode() == "next=%2Fa%26b%2F&x=1+2&x=%C3%A9"
    assert q.urlencode(safe="/") == "next=/a%26b/&x=1%202&x=%C3%A9"


def test_urlencode_round_trips() -> None:
    original = "a=1&a=2&b=%C3%A9+x&c=%2F"
    assert QueryDict(QueryDict(original).urlencode()) == QueryDict(original)


def test_dict_items_and_repr() -> None:
    q = QueryDict("a=1&a=2&b=3")
    assert q.dict() == {"a": "2", "b": "3"}
    assert list(q.items()) == [("a", "2"), ("b", "3")]
    assert list(q.values()) == ["2", "3"]
    assert repr(q) == "<QueryDict: {'a': ['1', '2'], 'b': ['3']}>" == repr(DjangoQueryDict("a=1&a=2&b=3"))
    assert repr(QueryDict()) == "<QueryDict: {}>"
