"""The lock-free cached_property."""

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
