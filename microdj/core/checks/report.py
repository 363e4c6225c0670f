"""The text that ``check``, ``runserver`` and start-up show for a list of check messages."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from microdj.core.checks.messages import ERROR, INFO, WARNING, CheckMessage

Styler = Callable[[str], str]


def _plain(text: str) -> str:
    return text


def visible(messages: Iterable[CheckMessage]) -> tuple[list[CheckMessage], int]:
    """The messages not silenced by SILENCED_SYSTEM_CHECKS, and how many were."""
    shown: list[CheckMessage] = []
    silenced = 0
    for message in messages:
        if message.is_silenced():
            silenced += 1
        else:
            shown.append(message)
    return shown, silenced


def format_report(
    messages: list[CheckMessage],
    silenced: int,
    *,
    display_num_errors: bool = False,
    error_style: Styler = _plain,
    warning_style: Styler = _plain,
) -> str:
    """Messages grouped as ERRORS / WARNINGS / INFOS / DEBUGS, with the issue count when asked."""
    groups = (
        ("ERRORS", [m for m in messages if m.level >= ERROR], error_style),
        ("WARNINGS", [m for m in messages if WARNING <= m.level < ERROR], warning_style),
        ("INFOS", [m for m in messages if INFO <= m.level < WARNING], _plain),
        ("DEBUGS", [m for m in messages if m.level < INFO], _plain),
    )
    sections = []
    for title, group, style in groups:
        if group:
            lines = sorted(style(str(m)) for m in group)
            sections.append(f"{title}:\n" + "\n".join(lines))
    text = ""
    if sections:
        text = "System check identified some issues:\n\n" + "\n\n".join(sections)
    if display_num_errors:
        if text:
            text += "\n\n"
        count = len(messages)
        issues = "no issues" if count == 0 else "1 issue" if count == 1 else f"{count} issues"
        text += f"System check identified {issues} ({silenced} silenced)."
    return text
