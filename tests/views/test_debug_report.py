"""What the DEBUG page shows, gathered: masking helpers, reprs, settings that cannot be read."""

from __future__ import annotations

import builtins
from typing import Any

from microdj.test import RequestFactory
from microdj.views.debug_report import CLEANSED, build_report, cleanse, redact, safe_repr


def test_cleanse_collects_masked_strings_bytes_and_nested_values():
    found: set[str] = set()
    value = {
        "PASSWORD": b"bytes-secret",
        "TOKENS": ["list-secret", ("tuple-secret",)],
        "KEYS": {"a": "dict-secret"},
    }
    cleaned = cleanse("SERVICE", value, found)
    assert cleaned == {"PASSWORD": CLEANSED, "TOKENS": CLEANSED, "KEYS": CLEANSED}
    assert found == {"bytes-secret", "list-secret", "tuple-secret", "dict-secret"}
    short: set[str] = set()
    cleanse("API_KEY", "abc", short)
    assert short == set()  # too short to cut out of other texts
    assert cleanse("ROWS", [{"password": "x"}, {"ok": 1}]) == [{"password": CLEANSED}, {"ok": 1}]
    assert cleanse("PLAIN", [1, 2]) == [1, 2]
    assert redact("a secret-one b", ["secret-one"]) == f"a {CLEANSED} b"


def test_safe_repr_survives_broken_containers_and_trims():
    class dict(builtins.dict):  # type: ignore[type-arg]  # noqa: A001, N801 - reprlib picks its method by type name
        def __iter__(self) -> Any:
            raise RuntimeError("cannot iterate")

    broken = dict(a=1)
    assert safe_repr(broken) == "<unprintable dict: RuntimeError>"
    wide = {f"k{i}": "v" * 4000 for i in range(50)}
    text = safe_repr(wide)
    assert text.endswith("characters>") and "trimmed" in text


def test_settings_listed_without_an_exception(override):
    override(DEBUG=True, FINE_SETTING="fine")
    report = build_report(RequestFactory().get("/"), None, None, None)
    assert ("FINE_SETTING", "'fine'") in report.settings
    assert report.type_name == "Error" and report.chain == []
