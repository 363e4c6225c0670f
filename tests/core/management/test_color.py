"""Terminal colours: on for terminals, off with NO_COLOR or for pipes."""

import io

from microdj.core.management.color import Style, color_style, no_style, supports_color


class TTY(io.StringIO):
    def isatty(self):
        return True


def test_supports_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert supports_color(TTY()) is True
    assert supports_color(io.StringIO()) is False
    assert supports_color(object()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert supports_color(TTY()) is False


def test_styles():
    assert Style(True).ERROR("x") == "\x1b[1;31mx\x1b[0m"
    assert Style(True).HTTP_SUCCESS("x") == "x"
    assert no_style().WARNING("x") == "x"
    assert color_style(force_color=True).SUCCESS("x") == "\x1b[32mx\x1b[0m"
