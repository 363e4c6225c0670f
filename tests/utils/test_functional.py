"""The lock-free cached_property."""

import pytest

from microdj.utils.functional import cached_property


class Thing:
    calls = 0

    @cached_property
    def value(self) -> int:
        """Computed once."""
        Thing.calls += 1
        return 42


def test_computed_once_then_a_plain_attribute():
    thing = Thing()
    assert thing.value == 42 and thing.value == 42
    assert Thing.calls == 1
    assert thing.__dict__["value"] == 42
    thing.value = 7  # a non-data descriptor: the instance attribute wins
    assert thing.value == 7


def test_class_access_gives_the_descriptor():
    assert isinstance(Thing.value, cached_property)
    assert Thing.value.__doc__ == "Computed once."
    assert Thing.value.name == "value"


def test_lazy_proxies_compute_on_use_and_delegate_methods():
    import copy
    import pickle

    from microdj.utils.functional import Promise, keep_lazy_text, lazy, lazystr

    calls = []

    def upper(text):
        calls.append(text)
        return text.upper()

    proxy = lazy(upper, str)("abc")
    assert calls == [] and isinstance(proxy, Promise)
    assert proxy == "ABC" and proxy != "abc" and proxy.lower() == "abc"
    assert str(proxy) == "ABC" and repr(proxy) == "'ABC'" and f"{proxy:>4}" == " ABC"
    assert proxy + "!" == "ABC!" and "!" + proxy == "!ABC" and hash(proxy) == hash("ABC")
    assert lazystr("%s!") % "x" == "x!" and lazystr("a") < lazystr("b") and lazystr("b") == lazystr("b")
    assert copy.deepcopy(proxy) is proxy and pickle.loads(pickle.dumps(lazystr("p"))) == "p"
    joined = keep_lazy_text(lambda a, b: a + b)
    assert joined("a", "b") == "ab" and isinstance(joined(lazystr("a"), "b"), Promise)
    with pytest.raises(TypeError):
        from microdj.utils.functional import keep_lazy

        keep_lazy()


def test_simple_lazy_object_sets_up_on_first_use_and_looks_like_its_object():
    import copy
    import pickle

    from microdj.utils.functional import LazyObject, SimpleLazyObject

    made = []
    obj = SimpleLazyObject(lambda: made.append(1) or [3, 1, 2])
    assert "SimpleLazyObject: <function" in repr(obj) and made == []
    assert copy.copy(obj) is not obj and made == []
    assert copy.deepcopy(obj) is not obj and made == []
    assert len(obj) == 3 and isinstance(obj, list) and made == [1]
    assert obj[0] == 3 and 1 in obj and list(obj) == [3, 1, 2] and obj == [3, 1, 2]
    assert repr(obj) == "<SimpleLazyObject: [3, 1, 2]>" and "append" in dir(obj)
    obj.append(4)
    assert obj.count(4) == 1 and copy.copy(obj) == [3, 1, 2, 4] and copy.deepcopy(obj) == [3, 1, 2, 4]
    assert pickle.loads(pickle.dumps(obj)) == [3, 1, 2, 4]
    holder = SimpleLazyObject(lambda: type("Box", (), {})())
    holder.value = 5
    assert holder.value == 5
    del holder.value
    assert not hasattr(holder, "value")
    with pytest.raises(TypeError):
        del holder._wrapped
    with pytest.raises(NotImplementedError):
        LazyObject()._setup()
    blank = SimpleLazyObject(lambda: {})
    assert blank == {}


def test_lazy_object_subclasses_set_up_on_any_first_use():
    import copy
    import pickle
    from types import SimpleNamespace as Box

    from microdj.utils.functional import LazyObject

    class LazyBox(LazyObject):
        def _setup(self):
            self._wrapped = Box()

    assert isinstance(copy.copy(LazyBox()), LazyBox) and isinstance(copy.deepcopy(LazyBox()), LazyBox)
    fresh = LazyBox()
    fresh.value = 1  # sets up, then sets on the wrapped object
    assert fresh.value == 1 and copy.copy(fresh).value == 1 and copy.deepcopy(fresh).value == 1
    other = LazyBox()
    with pytest.raises(AttributeError):
        del other.missing
    assert "__init__" in dir(LazyBox()) and isinstance(LazyBox(), Box)
    assert isinstance(pickle.loads(pickle.dumps(LazyBox())), Box)
    with pytest.raises(AttributeError):
        LazyObject.__getattr__(LazyBox(), "_wrapped")
