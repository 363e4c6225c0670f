"""``MediaType``: one entry of an Accept header, for content negotiation."""

from __future__ import annotations

from microdj.utils.functional import cached_property
from microdj.utils.http import parse_header_parameters


class MediaType:
    """A media range such as ``text/html;q=0.9`` with its parameters."""

    def __init__(self, media_type_raw_line: str | None) -> None:
        full_type, self.params = parse_header_parameters(media_type_raw_line or "")
        self.main_type, _, self.sub_type = full_type.partition("/")

    def __str__(self) -> str:
        params = "".join(f"; {key}={value}" for key, value in self.params.items())
        sub = f"/{self.sub_type}" if self.sub_type else ""
        return f"{self.main_type}{sub}{params}"

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__}: {self}>"

    @cached_property
    def range_params(self) -> dict[str, str]:
        """The parameters other than the quality ``q``."""
        return {key: value for key, value in self.params.items() if key != "q"}

    def match(self, other: MediaType | str | None) -> bool:
        """True if this range and ``other`` overlap (``*`` matches anything; parameters must agree)."""
        if not other:
            return False
        if not isinstance(other, MediaType):
            other = MediaType(other)
        if not (self.main_type and self.sub_type and other.main_type and other.sub_type):
            return False
        for mine, theirs in ((self.main_type, other.main_type), (self.sub_type, other.sub_type)):
            if mine != theirs and "*" not in (mine, theirs):
                return False
        if bool(self.range_params) == bool(other.range_params):
            return self.range_params == other.range_params
        # Parameters on this side only still match; parameters on the other side only do not.
        return bool(self.range_params)

    @cached_property
    def quality(self) -> float:
        """The ``q`` parameter, 1 when missing or invalid."""
        try:
            value = float(self.params.get("q", 1))
        except ValueError:
            return 1
        if not 0 <= value <= 1:
            return 1
        return round(value, 3)

    @property
    def specificity(self) -> int:
        """0 for ``*/*``, 1 for ``type/*``, 2 for ``type/sub``, 3 with parameters."""
        if self.main_type == "*":
            return 0
        if self.sub_type == "*":
            return 1
        return 3 if self.range_params else 2
