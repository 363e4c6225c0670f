"""Tests for microdj.utils.datastructures, checked against Django's own classes where they overlap."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import datastructures as dj

from microdj.utils.datastructures import (
    CaseInsensitiveMapping,
    ImmutableList,
    MultiValueDict,
    MultiValueDictKeyError,
    OrderedSet,
)

# --- OrderedSet -------------------------------------------------------------------------------------


def test_ordered_set_keeps_insertion_order() -> None:
    s = OrderedSet([3, 1, 3, 2])
    assert list(s) == [3, 1, 2]
    assert list(reversed(s)) == [2, 1, 3]
    s.add(0)
    s.add(3)
    assert list(s) == [3, 1, 2, 0]
    assert len(s) == 4
    assert 1 in s and 9 not in s


def test_ordered_set_remove_and_discard() -> None:
    s = OrderedSet("abc")
    s.remove("b")
    assert list(s) == ["a", "c"]
    with pytest.raises(KeyError):
        s.remove("b")
    s.discard("b")
    s.discard("a")
    assert list(s) == ["c"]


def test_ordered_set_bool_and_repr() -> None:
    empty = OrderedSet()
    assert not empty
    assert len(empty) == 0
    assert repr(empty) == "OrderedSet()" == repr(dj.OrderedSet())
    full = OrderedSet([1, "x"])
    assert full
    assert repr(full) == "OrderedSet([1, 'x'])" == repr(dj.OrderedSet([1, "x"]))


# --- MultiValueDict ---------------------------------------------------------------------------------


@pytest.fixture
def mvd() -> MultiValueDict:
    return MultiValueDict({"name": ["Adrian", "Simon"], "position": ["Developer"], "empty": []})


def test_mvd_is_a_dict_of_lists(mvd: MultiValueDict) -> None:
    assert isinstance(mvd, dict)
    assert mvd == {"name": ["Adrian", "Simon"], "position": ["Developer"], "empty": []}
    assert list(mvd) == ["name", "position", "empty"]
    assert len(MultiValueDict()) == 0


def test_mvd_getitem_returns_last_value(mvd: MultiValueDict) -> None:
    assert mvd["name"] == "Simon"
    assert mvd["position"] == "Developer"
    assert mvd["empty"] == []


def test_mvd_missing_key_raises_multivaluedictkeyerror(mvd: MultiValueDict) -> None:
    with pytest.raises(MultiValueDictKeyError) as info:
        mvd["missing"]
    assert isinstance(info.value, KeyError)
    assert info.value.args == ("missing",)
    assert str(info.value) == "'missing'"


def test_mvd_get(mvd: MultiValueDict) -> None:
    assert mvd.get("name") == "Simon"
    assert mvd.get("missing") is None
    assert mvd.get("missing", "nonexistent") == "nonexistent"
    assert mvd.get("empty", "dflt") == "dflt"
    mvd.setlist("lastempty", ["x", []])
    assert mvd.get("lastempty", "dflt") == "dflt"


def test_mvd_getlist(mvd: MultiValueDict) -> None:
    names = mvd.getlist("name")
    assert names == ["Adrian", "Simon"]
    names.append("changed")
    assert mvd.getlist("name") == ["Adrian", "Simon"], "getlist returns a copy"
    assert mvd.getlist("missing") == []
    default = ["a"]
    assert mvd.getlist("missing", default) is default
    mvd.setlist("none", None)
    assert mvd.getlist("none") is None


def test_mvd_setitem_and_setlist(mvd: MultiValueDict) -> None:
    mvd["name"] = "Jacob"
    assert mvd.getlist("name") == ["Jacob"]
    mvd.setlist("lastname", ["Holovaty", "Willison"])
    assert mvd["lastname"] == "Willison"
    assert dict.__getitem__(mvd, "lastname") == ["Holovaty", "Willison"]


def test_mvd_setdefault(mvd: MultiValueDict) -> None:
    assert mvd.setdefault("name", "x") == "Simon"
    assert mvd.setdefault("new", "v") == "v"
    assert mvd.getlist("new") == ["v"]
    assert mvd.setdefault("other") is None
    assert mvd.getlist("other") == [None]


def test_mvd_setlistdefault_returns_stored_list(mvd: MultiValueDict) -> None:
    stored = mvd.setlistdefault("name", ["ignored"])
    assert stored == ["Adrian", "Simon"]
    stored.append("Jacob")
    assert mvd["name"] == "Jacob"
    assert mvd.setlistdefault("fresh") == []
    given = ["a"]
    assert mvd.setlistdefault("given", given) is given


def test_mvd_appendlist(mvd: MultiValueDict) -> None:
    mvd.appendlist("name", "Jacob")
    mvd.appendlist("new", 1)
    assert mvd.getlist("name") == ["Adrian", "Simon", "Jacob"]
    assert mvd.getlist("new") == [1]


def test_mvd_items_values_lists_dict(mvd: MultiValueDict) -> None:
    items = mvd.items()
    assert not isinstance(items, list)
    assert list(items) == [("name", "Simon"), ("position", "Developer"), ("empty", [])]
    assert list(mvd.values()) == ["Simon", "Developer", []]
    lists = mvd.lists()
    assert next(lists) == ("name", ["Adrian", "Simon"])
    assert list(mvd.lists())[1:] == [("position", ["Developer"]), ("empty", [])]
    assert mvd.dict() == {"name": "Simon", "position": "Developer", "empty": []}
    assert list(mvd.keys()) == ["name", "position", "empty"]


def test_mvd_repr(mvd: MultiValueDict) -> None:
    expected = "<MultiValueDict: {'name': ['Adrian', 'Simon'], 'position': ['Developer'], 'empty': []}>"
    assert repr(mvd) == expected
    assert repr(dj.MultiValueDict({"name": ["Adrian", "Simon"], "position": ["Developer"], "empty": []})) == (
        expected
    )

    class Sub(MultiValueDict):
        pass

    assert repr(Sub({"a": [1]})) == "<Sub: {'a': [1]}>"


def test_mvd_copy_is_shallow_with_copied_lists() -> None:
    inner = ["x"]
    original = MultiValueDict({"a": [1, inner]})
    for duplicate in (original.copy(), copy.copy(original)):
        assert type(duplicate) is MultiValueDict
        assert duplicate == original
        duplicate.appendlist("a", 3)
        assert original.getlist("a") == [1, inner]
        assert duplicate.getlist("a")[1] is inner


def test_mvd_copy_keeps_subclass() -> None:
    class Sub(MultiValueDict):
        pass

    assert type(Sub({"a": [1]}).copy()) is Sub
    assert type(copy.deepcopy(Sub({"a": [1]}))) is Sub


def test_mvd_deepcopy() -> None:
    inner = ["x"]
    original = MultiValueDict({"a": [1, inner], "b": [inner]})
    duplicate = copy.deepcopy(original)
    assert duplicate == original
    assert type(duplicate) is MultiValueDict
    copied_inner = duplicate.getlist("a")[1]
    assert copied_inner is not inner
    assert dict.__getitem__(duplicate, "b")[0] is copied_inner, "memo shares repeated objects"


def test_mvd_deepcopy_self_reference() -> None:
    original = MultiValueDict()
    original.setlist("self", [original])
    duplicate = copy.deepcopy(original)
    assert duplicate["self"] is duplicate


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_mvd_pickle_keeps_lists_and_attributes(protocol: int) -> None:
    original = MultiValueDict({"a": [1, 2], "b": [], "c": [3]})
    original.extra = "kept"
    restored = pickle.loads(pickle.dumps(original, protocol))
    assert type(restored) is MultiValueDict
    assert restored == original
    assert list(restored.lists()) == list(original.lists())
    assert restored.extra == "kept"


def test_mvd_getstate_setstate() -> None:
    original = MultiValueDict({"a": [1, 2]})
    state = original.__getstate__()
    assert state == {"_data": {"a": [1, 2]}}
    target = MultiValueDict()
    target.__setstate__({"flag": True})
    assert target == {} and target.flag is True
    target.__setstate__(state)
    assert target.getlist("a") == [1, 2]


def test_mvd_update_extends() -> None:
    d = MultiValueDict({"a": [1]})
    d.update(MultiValueDict({"a": [2, 3], "b": [4]}))
    d.update({"a": 5, "c": [6]})
    d.update([("b", 7), ("d", 8)])
    d.update(a=9, e=10)
    d.update({"a": 11}, f=12)
    d.update()
    assert list(d.lists()) == [
        ("a", [1, 2, 3, 5, 9, 11]),
        ("b", [4, 7]),
        ("c", [[6]]),
        ("d", [8]),
        ("e", [10]),
        ("f", [12]),
    ]


def test_mvd_update_rejects_two_arguments() -> None:
    with pytest.raises(TypeError, match="^update expected at most 1 argument, got 2$"):
        MultiValueDict().update({}, {})


def test_mvd_update_from_non_dict_mapping() -> None:
    d = MultiValueDict()
    d.update(CaseInsensitiveMapping({"K": "v"}))
    assert d.getlist("K") == ["v"]


def test_mvd_constructor_from_pairs() -> None:
    d = MultiValueDict([("a", [1, 2])])
    assert d["a"] == 2


def test_mvd_pop_popitem_delete_use_lists() -> None:
    d = MultiValueDict({"a": [1, 2], "b": [3]})
    assert d.popitem() == ("b", [3])
    assert d.pop("a") == [1, 2]
    d["c"] = 1
    del d["c"]
    assert d == {}


def test_mvd_fromkeys_uses_setitem() -> None:
    d = MultiValueDict.fromkeys(["a", "b"], "v")
    assert type(d) is MultiValueDict
    assert d.getlist("a") == ["v"]


def test_mvd_getitem_with_none_list_matches_django() -> None:
    ours, theirs = MultiValueDict(), dj.MultiValueDict()
    ours.setlist("k", None)
    theirs.setlist("k", None)
    with pytest.raises(TypeError):
        theirs["k"]
    with pytest.raises(TypeError):
        ours["k"]
    for read in (lambda d: d.dict(), lambda d: list(d.items())):
        with pytest.raises(TypeError):
            read(theirs)
        with pytest.raises(TypeError):
            read(ours)


def test_mvd_subclass_item_access_is_used_by_items_and_dict() -> None:
    class Upper(MultiValueDict):
        def __getitem__(self, key: Any) -> Any:
            return super().__getitem__(key).upper()

    data = Upper({"a": ["x", "y"]})
    assert (data.dict(), list(data.items())) == ({"a": "Y"}, [("a", "Y")])


def _operations() -> list[Callable[[Any], Any]]:
    return [
        lambda d: d["a"],
        lambda d: d.get("a"),
        lambda d: d.get("e", "dflt"),
        lambda d: d.get("zz", "dflt"),
        lambda d: d.getlist("a"),
        lambda d: d.getlist("zz"),
        lambda d: d.getlist("zz", ["x"]),
        lambda d: d.setdefault("a", 5),
        lambda d: d.setdefault("n", 5),
        lambda d: d.setlistdefault("a"),
        lambda d: d.setlistdefault("m"),
        lambda d: d.setlistdefault("m2", [1]),
        lambda d: d.appendlist("a", 9),
        lambda d: d.appendlist("q", 9),
        lambda d: d.setlist("a", [7, 8]),
        lambda d: d.update({"a": 1}, b=2),
        lambda d: d.update([("x", 1), ("x", 2)]),
        lambda d: list(d.items()),
        lambda d: list(d.values()),
        lambda d: list(d.lists()),
        lambda d: d.dict(),
        lambda d: repr(d).split(":", 1)[1],
        lambda d: dict(d.copy()),
        lambda d: dict(copy.deepcopy(d)),
        lambda d: dict(pickle.loads(pickle.dumps(d))),
        lambda d: d.pop("a"),
        lambda d: d.popitem(),
    ]


@pytest.mark.parametrize("index", range(len(_operations())))
def test_mvd_matches_django(index: int) -> None:
    """Each operation, run after all the earlier ones, gives Django's result and leaves Django's state."""
    initial = {"a": [1, 2], "b": ["x"], "e": []}
    ours, theirs = MultiValueDict(initial), dj.MultiValueDict({k: v[:] for k, v in initial.items()})
    for operation in _operations()[: index + 1]:
        assert operation(ours) == operation(theirs)
        assert dict(ours) == dict(theirs)


# --- ImmutableList ----------------------------------------------------------------------------------


def test_immutable_list_is_a_tuple() -> None:
    values = ImmutableList(range(3))
    assert isinstance(values, tuple)
    assert values == (0, 1, 2)
    assert values[1] == 1
    assert values.warning == "ImmutableList object is immutable."
    assert ImmutableList() == ()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda v: v.__setitem__(0, 1),
        lambda v: v.__delitem__(0),
        lambda v: v.__iadd__((1,)),
        lambda v: v.__imul__(2),
        lambda v: v.__setslice__(0, 1, ()),
        lambda v: v.__delslice__(0, 1),
        lambda v: v.append(1),
        lambda v: v.extend([1]),
        lambda v: v.insert(0, 1),
        lambda v: v.pop(),
        lambda v: v.remove(1),
        lambda v: v.sort(),
        lambda v: v.reverse(),
        lambda v: v.complain(),
    ],
)
def test_immutable_list_complains(mutate: Callable[[ImmutableList], Any]) -> None:
    values = ImmutableList([1, 2], warning="You cannot mutate this.")
    with pytest.raises(AttributeError, match="^You cannot mutate this.$"):
        mutate(values)
    assert values == (1, 2)


def test_immutable_list_operators() -> None:
    values = ImmutableList((1,))
    with pytest.raises(AttributeError, match="^ImmutableList object is immutable.$"):
        values += (2,)
    with pytest.raises(AttributeError):
        values[0] = 5
    with pytest.raises(AttributeError):
        del values[0]


# --- CaseInsensitiveMapping -------------------------------------------------------------------------


@pytest.fixture
def cim() -> CaseInsensitiveMapping:
    return CaseInsensitiveMapping({"Accept": "application/json", "content-type": "text/html"})


def test_cim_lookup_is_case_insensitive(cim: CaseInsensitiveMapping) -> None:
    assert cim["accept"] == cim["ACCEPT"] == cim["Accept"] == "application/json"
    assert cim.get("CONTENT-TYPE") == "text/html"
    assert "Content-Type" in cim
    assert "missing" not in cim
    assert cim.get("missing") is None
    with pytest.raises(KeyError):
        cim["missing"]


def test_cim_keeps_original_case(cim: CaseInsensitiveMapping) -> None:
    assert list(cim) == ["Accept", "content-type"]
    assert list(cim.keys()) == ["Accept", "content-type"]
    assert list(cim.items()) == [("Accept", "application/json"), ("content-type", "text/html")]
    assert len(cim) == 2
    assert repr(cim) == "{'Accept': 'application/json', 'content-type': 'text/html'}"
    assert dict(cim) == {"Accept": "application/json", "content-type": "text/html"}


def test_cim_last_duplicate_wins_with_its_case() -> None:
    cim = CaseInsensitiveMapping([("A", 1), ("a", 2)])
    assert dict(cim) == {"a": 2}
    dj_cim = dj.CaseInsensitiveMapping([("A", 1), ("a", 2)])
    assert repr(cim) == repr(dj_cim)


def test_cim_equality(cim: CaseInsensitiveMapping) -> None:
    assert cim == {"ACCEPT": "application/json", "Content-Type": "text/html"}
    assert cim == CaseInsensitiveMapping({"accept": "application/json", "CONTENT-TYPE": "text/html"})
    assert cim != {"accept": "application/json"}
    assert cim != {"accept": "application/JSON", "content-type": "text/html"}
    assert cim != [("Accept", "application/json")]
    assert (cim == "x") is False
    assert (dj.CaseInsensitiveMapping({}) == "x") is False


def test_cim_is_read_only_and_unhashable(cim: CaseInsensitiveMapping) -> None:
    with pytest.raises(TypeError):
        cim["Accept"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        del cim["Accept"]  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        hash(cim)
    assert cim.copy() is cim


def test_cim_accepts_mappings_and_pairs() -> None:
    assert dict(CaseInsensitiveMapping(CaseInsensitiveMapping({"X": 1}))) == {"X": 1}
    assert dict(CaseInsensitiveMapping([("X", 1), ["Y", 2]])) == {"X": 1, "Y": 2}
    assert dict(CaseInsensitiveMapping([])) == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([("a", 1, 2)], "dictionary update sequence element #0 has length 3; 2 is required."),
        ([("a", 1), ("b",)], "dictionary update sequence element #1 has length 1; 2 is required."),
        ([(1, 2)], "Element key 1 invalid, only strings are allowed"),
        ([(b"k", 2)], "Element key b'k' invalid, only strings are allowed"),
    ],
)
def test_cim_rejects_bad_pairs_like_django(data: list[Any], message: str) -> None:
    with pytest.raises(ValueError) as ours:
        CaseInsensitiveMapping(data)
    with pytest.raises(ValueError) as theirs:
        dj.CaseInsensitiveMapping(data)
    assert str(ours.value) == str(theirs.value) == message


def test_dict_wrapper_applies_func_to_prefixed_keys_only():
    from microdj.utils.datastructures import DictWrapper

    wrapped = DictWrapper({"a": "x", 1: "y"}, lambda v: f"<{v}>", "quoted_")
    assert wrapped["a"] == "x" and wrapped["quoted_a"] == "<x>" and wrapped[1] == "y"
    with pytest.raises(KeyError):
        wrapped["quoted_b"]
