"""Reverse a URL regex into fill-in templates, for reverse().

``normalize(regex)`` returns ``[(template, params), ...]``: ``template`` is a ``%``-format string with
``%(name)s`` where a capturing group was, ``params`` the names to fill in (``_0``, ``_1``… for unnamed
groups). The rules are Django's: repetitions keep their minimum count (and both 0 and 1 occurrences when the
repeated part holds a group), a character class gives its first character, ``\\d``-style escapes give a
representative, look-arounds are skipped, ``$`` ends the pattern, and any ``|`` makes it non-reversible
(one empty template). It is not a full regex decompiler; reverse() checks each candidate against the regex.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Representative text for escapes; None means the escape matches no character.
_ESCAPES: dict[str, str | None] = {
    "A": None,
    "b": None,
    "B": None,
    "d": "0",
    "D": "x",
    "s": " ",
    "S": "x",
    "w": "x",
    "W": "!",
    "Z": None,
}

_Token = tuple[str, bool]
# An element is a single literal character (str) or a tuple:
#   ("group", template, param | None), ("nc", [elements]), ("choice", [[elements], ...])
_Element = str | tuple[Any, ...]


class _Unreversible(Exception):
    """The pattern holds a '|': reverse() gets one empty template for it."""


class _Stream:
    """Tokens of a pattern: (char, escaped), escapes already replaced by a representative."""

    def __init__(self, pattern: str) -> None:
        self._tokens = self._tokenize(pattern)
        self._pushed: list[_Token] = []

    @staticmethod
    def _tokenize(pattern: str) -> Iterator[_Token]:
        chars = iter(pattern)
        for ch in chars:
            if ch != "\\":
                yield ch, False
                continue
            escaped = next(chars, "\\")
            representative = _ESCAPES.get(escaped, escaped)
            if representative is not None:
                yield representative, True

    def next(self) -> _Token | None:
        if self._pushed:
            return self._pushed.pop()
        return next(self._tokens, None)

    def push(self, token: _Token) -> None:
        self._pushed.append(token)

    def skip_group(self, first: str) -> None:
        """Consume up to the ')' closing the current group, nested groups included."""
        depth = 1 if first == "(" else 0
        while (token := self.next()) is not None:
            ch, escaped = token
            if escaped:
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                if not depth:
                    return
                depth -= 1


def normalize(pattern: str) -> list[tuple[str, list[str]]]:
    """Return the (template, params) possibilities that reverse ``pattern``."""
    try:
        elements, _ = _parse(_Stream(pattern), [0], nested=False)
    except _Unreversible:
        return [("", [])]
    return _expand(elements)


def _parse(stream: _Stream, counter: list[int], nested: bool) -> tuple[list[_Element], bool]:
    """Parse up to the end of the pattern or the current group; return (elements, stopped)."""
    elements: list[_Element] = []
    while (token := stream.next()) is not None:
        ch, escaped = token
        if escaped:
            elements.append(ch)
        elif ch == "|":
            raise _Unreversible
        elif ch == "^":
            continue
        elif ch == "$":
            return elements, True
        elif ch == ")":
            if nested:
                return elements, False
            elements.append(ch)
        elif ch == "[":
            first = stream.next()
            if first is None:
                break
            elements.append(first[0])
            while (token := stream.next()) is not None and (token[1] or token[0] != "]"):
                pass
        elif ch == "(":
            if _parse_group(stream, counter, elements):
                return elements, True
        elif ch in "*?+{":
            if _quantify(stream, ch, elements):
                return elements, True
        else:
            elements.append(ch)
    return elements, True


def _parse_group(stream: _Stream, counter: list[int], elements: list[_Element]) -> bool:
    """Parse a group after its '('; append it to ``elements``; return True when the pattern ended inside."""
    token = stream.next()
    if token is None:
        return True
    ch, escaped = token
    if ch != "?" or escaped:
        name = f"_{counter[0]}"
        counter[0] += 1
        elements.append(("group", f"%({name})s", name))
        stream.skip_group(ch)
        return False
    token = stream.next()
    if token is None:
        return True
    ch = token[0]
    if ch in "!=<":
        stream.skip_group(ch)
        return False
    if ch == ":":
        inner, stopped = _parse(stream, counter, nested=True)
        if stopped:
            elements.extend(inner)
            return True
        elements.append(("nc", inner))
        return False
    if ch != "P":
        raise ValueError(f"Non-reversible reg-exp portion: '(?{ch}'")
    token = stream.next()
    if token is None:
        return True
    kind = token[0]
    if kind not in "<=":
        raise ValueError(f"Non-reversible reg-exp portion: '(?P{kind}'")
    terminal = ">" if kind == "<" else ")"
    name_chars = []
    while (token := stream.next()) is not None and token[0] != terminal:
        name_chars.append(token[0])
    name = "".join(name_chars)
    if kind == "<":
        elements.append(("group", f"%({name})s", name))
        stream.skip_group(terminal)
    else:
        elements.append(("group", f"%({name})s", None))
    return False


def _quantify(stream: _Stream, ch: str, elements: list[_Element]) -> bool:
    """Apply the quantifier starting with ``ch`` to the last element (keep its minimum count).

    Return True when the pattern ended inside the quantifier.
    """
    if ch == "{":
        text = []
        while (token := stream.next()) is not None and token[0] != "}":
            text.append(token[0])
        if token is None:
            return True
        minimum = int("".join(text).split(",")[0])
    else:
        minimum = 1 if ch == "+" else 0
    following = stream.next()
    if following is not None and following[0] != "?":
        stream.push(following)
    if not elements:
        return False
    last = elements[-1]
    if minimum == 0:
        if _holds_group(last):
            elements[-1] = ("choice", [[], [last]])
        else:
            elements.pop()
    elif minimum > 1:
        elements.extend([last] * (minimum - 1))
    return False


def _holds_group(element: _Element) -> bool:
    if isinstance(element, str):
        return False
    if element[0] == "group":
        return True
    return element[0] == "nc" and any(_holds_group(inner) for inner in element[1])


def _expand(elements: list[_Element]) -> list[tuple[str, list[str]]]:
    """Multiply out non-capturing groups and choices into flat (template, params) pairs."""
    results: list[tuple[str, list[str]]] = [("", [])]
    for element in elements:
        if isinstance(element, str):
            text = element.replace("%", "%%")
            results = [(template + text, params) for template, params in results]
        elif element[0] == "group":
            _, text, param = element
            extra = [param] if param else []
            results = [(template + text, params + extra) for template, params in results]
        else:
            options = [_expand(element[1])] if element[0] == "nc" else [_expand(o) for o in element[1]]
            results = [
                (template + inner_template, params + inner_params)
                for template, params in results
                for option in options
                for inner_template, inner_params in option
            ]
    return results
