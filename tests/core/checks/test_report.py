"""The report text: grouped by level, sorted, with the issue count."""

from microdj.core.checks import Debug, Error, Info, Warning
from microdj.core.checks.report import format_report, visible


def test_groups_in_level_order_with_count():
    text = format_report(
        [Warning("w2", id="b"), Info("i"), Error("e"), Warning("w1", id="a"), Debug("d")],
        2,
        display_num_errors=True,
    )
    assert text == (
        "System check identified some issues:\n\n"
        "ERRORS:\n?: e\n\n"
        "WARNINGS:\n?: (a) w1\n?: (b) w2\n\n"
        "INFOS:\n?: i\n\n"
        "DEBUGS:\n?: d\n\n"
        "System check identified 5 issues (2 silenced)."
    )


def test_counts_and_styles():
    assert format_report([], 0, display_num_errors=True) == "System check identified no issues (0 silenced)."
    assert format_report([], 0) == ""
    one = format_report([Error("e")], 0, display_num_errors=True, error_style=str.upper)
    assert "?: E" in one and one.endswith("identified 1 issue (0 silenced).")
    assert "!?: w" in format_report([Warning("w")], 0, warning_style=lambda s: "!" + s)


def test_visible_drops_silenced_messages(override):
    override(SILENCED_SYSTEM_CHECKS=["x.W001"])
    shown, silenced = visible([Warning("a", id="x.W001"), Warning("b", id="x.W002")])
    assert shown == [Warning("b", id="x.W002")] and silenced == 1
