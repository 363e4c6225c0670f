"""Comparing HTML by meaning, for ``assertHTMLEqual``/``assertInHTML``: ``parse_html(text)`` gives a tree.

Two trees are equal when they have the same elements, attributes (in any order; a ``class`` attribute's
names in any order; a boolean attribute written bare or as ``name="name"``) and text, whitespace runs
counting as one space and whitespace around text (next to a tag) not counting. Built on the standard
library's ``html.parser``; an end tag that closes nothing open is an error.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Union

__all__ = ["Element", "HTMLParseError", "RootElement", "parse_html"]

_WHITESPACE = re.compile(r"[\t\n\f\r ]+")
# Elements that never have content or an end tag.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
# Attributes whose mere presence is their value.
_BOOLEAN = frozenset(
    {
        "allowfullscreen", "async", "autofocus", "autoplay", "checked", "controls", "default", "defer",
        "disabled", "formnovalidate", "hidden", "inert", "ismap", "itemscope", "loop", "multiple", "muted",
        "nomodule", "novalidate", "open", "playsinline", "readonly", "required", "reversed", "selected",
    }
)  # fmt: skip

Node = Union["Element", str]


class HTMLParseError(Exception):
    """The text is not HTML this module can compare."""


class Element:
    """An element: its name, sorted attributes and children (elements and normalised text)."""

    def __init__(self, name: str | None, attributes: list[tuple[str, str | None]]) -> None:
        self.name = name
        self.attributes = sorted(_normalise_attribute(k, v) for k, v in attributes)
        self.children: list[Node] = []

    def append(self, node: Node) -> None:
        """Add a child; adjacent text is merged."""
        if isinstance(node, str):
            node = _WHITESPACE.sub(" ", node)
            if self.children and isinstance(self.children[-1], str):
                self.children[-1] += node
                return
        self.children.append(node)

    def finalise(self) -> None:
        """Strip whitespace around each text child, dropping whitespace-only ones (as Django compares)."""
        self.children = [c.strip() if isinstance(c, str) else c for c in self.children]
        self.children = [c for c in self.children if c != ""]
        for child in self.children:
            if isinstance(child, Element):
                child.finalise()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Element):
            return NotImplemented
        return (self.name, self.attributes, self.children) == (other.name, other.attributes, other.children)

    __hash__ = None  # type: ignore[assignment]

    def count(self, needle: Node | Element) -> int:
        """How many times ``needle`` (an element, a run of siblings, or text) occurs in this tree."""
        if isinstance(needle, RootElement) and len(needle.children) == 1:
            needle = needle.children[0]
        if isinstance(needle, str):
            return self._count_text(needle)
        return self._count_element(needle)

    def _count_text(self, text: str) -> int:
        found = 0
        for child in self.children:
            found += child.count(text) if isinstance(child, str) else child._count_text(text)
        return found

    def _count_element(self, needle: Element) -> int:
        if self == needle or (isinstance(needle, RootElement) and self.children == needle.children):
            return 1
        found = 0
        if isinstance(needle, RootElement) and needle.children:
            # A run of siblings: count where it appears among this element's children.
            run = needle.children
            found += sum(self.children[i : i + len(run)] == run for i in range(len(self.children)))
        for child in self.children:
            if isinstance(child, Element):
                found += child._count_element(needle)
        return found

    def __contains__(self, needle: object) -> bool:
        return self.count(needle) > 0  # type: ignore[arg-type]

    def __getitem__(self, index: int) -> Node:
        return self.children[index]

    def __str__(self) -> str:
        attributes = "".join(f' {k}="{v}"' if v is not None else f" {k}" for k, v in self.attributes)
        inner = "".join(str(child) for child in self.children)
        if self.name in _VOID:
            return f"<{self.name}{attributes}>"
        return f"<{self.name}{attributes}>{inner}</{self.name}>"

    def __repr__(self) -> str:
        return str(self)


class RootElement(Element):
    """The top of a parsed fragment, holding its top-level nodes."""

    def __init__(self) -> None:
        super().__init__(None, [])

    def __str__(self) -> str:
        return "".join(str(child) for child in self.children)


def _normalise_attribute(name: str, value: str | None) -> tuple[str, str | None]:
    if value and name == "class":
        value = " ".join(sorted(value.split()))
    if name in _BOOLEAN:
        if not value or value == name:
            value = None
    elif value is None:
        value = ""
    return name, value


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = RootElement()
        self.open: list[Element] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, attrs)
        self.open[-1].append(element)
        if tag not in _VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].append(Element(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        names = [element.name for element in self.open]
        if tag not in names[1:]:
            raise HTMLParseError(f"Unexpected end tag </{tag}> (line {self.getpos()[0]}).")
        # Elements left open inside it (e.g. <p> without </p>) are closed with it.
        while self.open.pop().name != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.open[-1].append(data)


def parse_html(text: str) -> Node:
    """The tree of an HTML fragment: its single top-level node (an element or text), else a RootElement."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    root = builder.root
    root.finalise()
    if len(root.children) == 1:
        child = root.children[0]
        if isinstance(child, str) or not isinstance(child, RootElement):
            return child
    return root
