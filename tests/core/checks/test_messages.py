"""CheckMessage and its levels: equality, text, seriousness, silencing."""

import pytest

from microdj.core import checks
from microdj.core.checks import CheckMessage, Critical, Debug, Error, Info, Warning


def test_levels_are_djangos_numbers():
    assert (checks.DEBUG, checks.INFO, checks.WARNING, checks.ERROR, checks.CRITICAL) == (10, 20, 30, 40, 50)
    for cls, level in ((Debug, 10), (Info, 20), (Warning, 30), (Error, 40), (Critical, 50)):
        assert cls("m").level == level


def test_level_must_be_an_int():
    with pytest.raises(TypeError, match="level"):
        CheckMessage("x", "msg")


def test_equality_compares_every_field():
    assert Error("m", hint="h", obj="o", id="x.E001") == Error("m", hint="h", obj="o", id="x.E001")
    assert Error("m", id="x.E001") != Error("m", id="x.E002")
    assert Error("m") != Warning("m")
    assert Error("m") != "m"


def test_str_shows_object_id_message_and_hint():
    assert str(Error("Broken.", hint="Fix it.", obj="thing", id="a.E001")) == (
        "thing: (a.E001) Broken.\n\tHINT: Fix it."
    )
    assert str(Warning("Odd.")) == "?: Odd."


def test_repr_names_the_class_and_fields():
    assert repr(Info("m", id="i")) == "<Info: level=20, msg='m', hint=None, obj=None, id='i'>"


def test_is_serious_defaults_to_error_level():
    assert Error("m").is_serious() and Critical("m").is_serious()
    assert not Warning("m").is_serious()
    assert Warning("m").is_serious(checks.WARNING)


def test_is_silenced_reads_the_setting(override):
    message = Warning("m", id="security.W004")
    assert not message.is_silenced()
    override(SILENCED_SYSTEM_CHECKS=["security.W004"])
    assert message.is_silenced()
