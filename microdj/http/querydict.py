"""QueryDict: the MultiValueDict behind ``request.GET`` and ``request.POST``, parsed like Django's."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from itertools import repeat
from typing import Any
from urllib.parse import quote, quote_plus, unquote

from microdj.conf import settings
from microdj.core.exceptions import TooManyFieldsSent
from microdj.utils.datastructures import MultiValueDict

__all__ = ["QueryDict", "bytes_to_text"]

_TOO_MANY_FIELDS = "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
_partition = str.partition
_EQUALS = repeat("=")


def _unquote(text: str, encoding: str) -> str:
    """``urllib.parse.unquote(text, encoding, "replace")``, for a text holding a '%'."""
    # PERF: an ASCII text without backslashes is decoded by C codecs alone: each %XX becomes \xXX for
    # unicode_escape (which refuses a malformed escape: that text takes urllib's path).
    if text.isascii() and "\\" not in text:
        try:
            escaped = text.replace("%", "\\x").encode("ascii").decode("unicode_escape")
        except UnicodeDecodeError:
            pass
        else:
            return escaped.encode("latin-1").decode(encoding, "replace")
    return unquote(text, encoding, "replace")


def bytes_to_text(s: Any, encoding: str) -> Any:
    """Decode bytes with ``encoding`` (undecodable input becomes U+FFFD); return anything else unchanged."""
    if isinstance(s, bytes):
        return str(s, encoding, "replace")
    return s


class QueryDict(MultiValueDict):
    """A MultiValueDict of query-string data; immutable unless built with ``mutable=True`` or copied."""

    # Class-level values make unpickled instances (built without __init__) usable.
    _mutable = True
    _encoding: str | None = None

    def __init__(
        self, query_string: str | bytes | None = None, mutable: bool = False, encoding: str | None = None
    ) -> None:
        self._encoding = encoding = encoding or settings.DEFAULT_CHARSET
        # PERF: most requests have no query string; they skip parsing and the field-limit setting.
        if query_string:
            if isinstance(query_string, bytes):
                raw = query_string
                # URL-encoded data should be ASCII, but some clients send raw bytes in other charsets.
                try:
                    query_string = raw.decode(encoding)
                except UnicodeDecodeError:
                    query_string = raw.decode("iso-8859-1")
            self._parse(query_string, encoding)
        self._mutable = mutable

    def _parse(self, query_string: str, encoding: str) -> None:
        """Add the fields of a non-empty query string, exactly as ``urllib.parse.parse_qsl`` with
        ``keep_blank_values=True`` would split and decode them (';' is not a separator)."""
        max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        if max_fields is not None and max_fields < 1 + query_string.count("&"):
            raise TooManyFieldsSent(_TOO_MANY_FIELDS)
        # '+' never stands for '&' or '=', so it is replaced before splitting, in one pass.
        if "+" in query_string:
            query_string = query_string.replace("+", " ")
        fields = query_string.split("&")
        # PERF: the usual case (no repeated name, no empty field) is one plain loop into a local dict (timed
        # faster than a comprehension over map(str.partition)); names and values are only decoded when the
        # query string holds a '%' at all.
        parsed: dict[str, list[str]] = {}
        if "%" not in query_string:
            for field in fields:
                name, _, value = field.partition("=")
                parsed[name] = [value]
        else:
            for field in fields:
                name, _, value = field.partition("=")
                if "%" in name:
                    name = _unquote(name, encoding)
                parsed[name] = [_unquote(value, encoding) if "%" in value else value]
        if len(parsed) == len(fields) and "" not in parsed:
            dict.update(self, parsed)
            return
        # Repeated names or empty fields (or an empty name): field by field.
        get = dict.get
        store = dict.__setitem__
        for name, equals, value in map(_partition, fields, _EQUALS):
            if not (name or equals):
                continue
            if "%" in name:
                name = _unquote(name, encoding)
            if "%" in value:
                value = _unquote(value, encoding)
            values = get(self, name)
            if values is None:
                store(self, name, [value])
            else:
                values.append(value)

    @classmethod
    def fromkeys(
        cls, iterable: Iterable[Any], value: Any = "", mutable: bool = False, encoding: str | None = None
    ) -> QueryDict:
        """Return a QueryDict with the keys of ``iterable`` (repeats allowed), each given ``value``."""
        result = cls("", mutable=True, encoding=encoding)
        for key in iterable:
            result.appendlist(key, value)
        if not mutable:
            result._mutable = False
        return result

    @property
    def encoding(self) -> str:
        """The charset used to decode bytes keys and values (DEFAULT_CHARSET unless given)."""
        if self._encoding is None:
            self._encoding = settings.DEFAULT_CHARSET
        return self._encoding

    @encoding.setter
    def encoding(self, value: str) -> None:
        # As in Django, this only records the charset: stored data is not decoded again.
        self._encoding = value

    def _assert_mutable(self) -> None:
        if not self._mutable:
            raise AttributeError("This QueryDict instance is immutable")

    def __setitem__(self, key: Any, value: Any) -> None:
        self._assert_mutable()
        encoding = self.encoding
        super().__setitem__(bytes_to_text(key, encoding), bytes_to_text(value, encoding))

    def __delitem__(self, key: Any) -> None:
        self._assert_mutable()
        super().__delitem__(key)

    def __copy__(self) -> QueryDict:
        result = type(self)("", mutable=True, encoding=self.encoding)
        for key, values in self.lists():
            result.setlist(key, values)
        return result

    def __deepcopy__(self, memo: dict[int, Any]) -> QueryDict:
        result = type(self)("", mutable=True, encoding=self.encoding)
        memo[id(self)] = result
        for key, values in self.lists():
            result.setlist(copy.deepcopy(key, memo), copy.deepcopy(values, memo))
        return result

    def setlist(self, key: Any, list_: Iterable[Any]) -> None:
        """Replace the list of ``key``; bytes are decoded."""
        self._assert_mutable()
        encoding = self.encoding
        super().setlist(bytes_to_text(key, encoding), [bytes_to_text(item, encoding) for item in list_])

    def setlistdefault(self, key: Any, default_list: list[Any] | None = None) -> Any:
        """As MultiValueDict.setlistdefault(), on a mutable QueryDict only."""
        self._assert_mutable()
        return super().setlistdefault(key, default_list)

    def appendlist(self, key: Any, value: Any) -> None:
        """Append ``value`` to the list of ``key``; bytes are decoded."""
        self._assert_mutable()
        encoding = self.encoding
        super().appendlist(bytes_to_text(key, encoding), bytes_to_text(value, encoding))

    def pop(self, key: Any, *args: Any) -> Any:
        """Remove ``key`` and return its list (or the default given)."""
        self._assert_mutable()
        return super().pop(key, *args)

    def popitem(self) -> tuple[Any, Any]:
        """Remove and return the last ``(key, list)`` pair."""
        self._assert_mutable()
        return super().popitem()

    def clear(self) -> None:
        """Remove every key."""
        self._assert_mutable()
        super().clear()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        """Set ``key`` to ``default`` if absent, then return its last value; bytes are decoded."""
        self._assert_mutable()
        encoding = self.encoding
        return super().setdefault(bytes_to_text(key, encoding), bytes_to_text(default, encoding))

    def copy(self) -> QueryDict:
        """Return a mutable deep copy."""
        return self.__deepcopy__({})

    def urlencode(self, safe: str | None = None) -> str:
        """Return the data as a query string; characters in ``safe`` are left unquoted."""
        encoding = self.encoding
        if safe:
            safe_bytes = safe.encode(encoding)
            pairs = [
                f"{quote(key.encode(encoding), safe_bytes)}={quote(str(value).encode(encoding), safe_bytes)}"
                for key, values in self.lists()
                for value in values
            ]
        else:
            pairs = [
                f"{quote_plus(key.encode(encoding), '')}={quote_plus(str(value).encode(encoding), '')}"
                for key, values in self.lists()
                for value in values
            ]
        return "&".join(pairs)
