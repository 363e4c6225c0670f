"""Container types shared by requests and responses, with the semantics of Django's."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NoReturn

__all__ = [
    "CaseInsensitiveMapping",
    "ImmutableList",
    "MultiValueDict",
    "MultiValueDictKeyError",
    "OrderedSet",
]


class OrderedSet:
    """A set that remembers insertion order."""

    def __init__(self, iterable: Iterable[Any] | None = None) -> None:
        self.dict: dict[Any, None] = dict.fromkeys(iterable or ())

    def add(self, item: Any) -> None:
        """Add ``item`` (kept at its first position if already present)."""
        self.dict[item] = None

    def remove(self, item: Any) -> None:
        """Remove ``item``; KeyError when absent."""
        del self.dict[item]

    def discard(self, item: Any) -> None:
        """Remove ``item`` if present."""
        self.dict.pop(item, None)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.dict)

    def __reversed__(self) -> Iterator[Any]:
        return reversed(self.dict.keys())

    def __contains__(self, item: object) -> bool:
        return item in self.dict

    def __bool__(self) -> bool:
        return bool(self.dict)

    def __len__(self) -> int:
        return len(self.dict)

    def __repr__(self) -> str:
        inner = repr(list(self.dict)) if self.dict else ""
        return f"{type(self).__qualname__}({inner})"


class MultiValueDictKeyError(KeyError):
    """A key missing from a MultiValueDict."""


class MultiValueDict(dict[Any, Any]):
    """A dict mapping each key to a list of values; plain item access gives the last value."""

    def __init__(self, key_to_list_mapping: Any = ()) -> None:
        # PERF: the usual MultiValueDict() starts empty: no super() call for nothing to add.
        if key_to_list_mapping:
            super().__init__(key_to_list_mapping)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {dict.__repr__(self)}>"

    def __getitem__(self, key: Any) -> Any:
        """Return the last value of ``key`` ([] when its list is empty); MultiValueDictKeyError if absent."""
        try:
            values = dict.__getitem__(self, key)
        except KeyError:
            raise MultiValueDictKeyError(key) from None
        try:
            return values[-1]
        except IndexError:
            return []

    def __setitem__(self, key: Any, value: Any) -> None:
        dict.__setitem__(self, key, [value])

    def __copy__(self) -> MultiValueDict:
        return type(self)([(key, values[:]) for key, values in dict.items(self)])

    def __deepcopy__(self, memo: dict[int, Any]) -> MultiValueDict:
        result = type(self)()
        memo[id(self)] = result
        for key, values in dict.items(self):
            dict.__setitem__(result, copy.deepcopy(key, memo), copy.deepcopy(values, memo))
        return result

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_data": {key: self._getlist(key) for key in self}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        data = state.pop("_data", {})
        for key, values in data.items():
            self.setlist(key, values)
        self.__dict__.update(state)

    def get(self, key: Any, default: Any = None) -> Any:
        """Return the last value of ``key``, or ``default`` when it is absent or its list is empty."""
        try:
            value = self[key]
        except KeyError:
            return default
        if value == []:
            return default
        return value

    def _getlist(self, key: Any, default: Any = None, force_list: bool = False) -> Any:
        """Return the stored list of ``key`` (a fresh copy with ``force_list``), else ``default`` or []."""
        try:
            values = dict.__getitem__(self, key)
        except KeyError:
            return [] if default is None else default
        if force_list and values is not None:
            return list(values)
        return values

    def getlist(self, key: Any, default: Any = None) -> Any:
        """Return a copy of the list of values of ``key``; ``default`` (or []) when absent."""
        return self._getlist(key, default, force_list=True)

    def setlist(self, key: Any, list_: Any) -> None:
        """Replace the list of values of ``key``."""
        dict.__setitem__(self, key, list_)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        """Set ``key`` to ``default`` if absent, then return its last value."""
        if key not in self:
            self[key] = default
        # A subclass's __setitem__ may store a converted value: read it back.
        return self[key]

    def setlistdefault(self, key: Any, default_list: list[Any] | None = None) -> Any:
        """Set the list of ``key`` to ``default_list`` (or []) if absent, then return the stored list."""
        if key not in self:
            self.setlist(key, [] if default_list is None else default_list)
        # A subclass's setlist() may store a converted list: read it back.
        return self._getlist(key)

    def appendlist(self, key: Any, value: Any) -> None:
        """Append ``value`` to the list of ``key``."""
        self.setlistdefault(key).append(value)

    def items(self) -> Iterator[tuple[Any, Any]]:  # type: ignore[override]
        """Yield ``(key, last value)`` pairs."""
        if self.__class__.__getitem__ is _getitem:
            # PERF: the lists are read directly unless a subclass changed item access.
            for key, values in dict.items(self):
                yield key, values[-1] if values else self[key]
        else:
            for key in self:
                yield key, self[key]

    def lists(self) -> Iterator[tuple[Any, Any]]:
        """Return an iterator of ``(key, list of values)`` pairs."""
        return iter(dict.items(self))

    def values(self) -> Iterator[Any]:  # type: ignore[override]
        """Yield the last value of every key."""
        for key in self:
            yield self[key]

    def copy(self) -> MultiValueDict:
        """Return a shallow copy (the value lists themselves are copied)."""
        return copy.copy(self)

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Extend the value lists, from a MultiValueDict, a mapping, pairs and/or keyword arguments."""
        if len(args) > 1:
            raise TypeError(f"update expected at most 1 argument, got {len(args)}")
        if args:
            other = args[0]
            if isinstance(other, MultiValueDict):
                for key, values in other.lists():
                    self.setlistdefault(key).extend(values)
            else:
                pairs = other.items() if isinstance(other, Mapping) else other
                for key, value in pairs:
                    self.setlistdefault(key).append(value)
        for key, value in kwargs.items():
            self.setlistdefault(key).append(value)

    def dict(self) -> dict[Any, Any]:
        """Return a plain dict of the last value of every key."""
        if self.__class__.__getitem__ is _getitem:
            # PERF: the lists are read directly unless a subclass changed item access.
            return {key: values[-1] if values else self[key] for key, values in dict.items(self)}
        return {key: self[key] for key in self}


_getitem = MultiValueDict.__getitem__


class ImmutableList(tuple[Any, ...]):
    """A tuple whose list-style mutation methods raise AttributeError with ``warning``."""

    warning: str

    def __new__(cls, *args: Any, warning: str = "ImmutableList object is immutable.", **kwargs: Any) -> Any:
        self = super().__new__(cls, *args, **kwargs)
        self.warning = warning
        return self

    def complain(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuse a mutation."""
        raise AttributeError(self.warning)

    __delitem__ = complain
    __delslice__ = complain
    __iadd__ = complain
    __imul__ = complain
    __setitem__ = complain
    __setslice__ = complain
    append = complain
    extend = complain
    insert = complain
    pop = complain
    remove = complain
    sort = complain
    reverse = complain


class CaseInsensitiveMapping(Mapping[str, Any]):
    """A read-only mapping with case-insensitive string keys that keeps their original case."""

    def __init__(self, data: Any) -> None:
        # Layout: {lower-cased key: (original key, value)}; subclasses (response headers) rely on it.
        self._store: dict[str, tuple[str, Any]] = {
            key.lower(): (key, value) for key, value in self._unpack_items(data)
        }

    def __getitem__(self, key: str) -> Any:
        return self._store[key.lower()][1]

    def __len__(self) -> int:
        return len(self._store)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return False
        mine = {key.lower(): value for key, value in self.items()}
        return mine == {key.lower(): value for key, value in other.items()}

    __hash__ = None  # type: ignore[assignment]

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._store.values())

    def __repr__(self) -> str:
        return repr(dict(self._store.values()))

    def copy(self) -> CaseInsensitiveMapping:
        """Return this mapping itself: it is immutable."""
        return self

    @staticmethod
    def _unpack_items(data: Any) -> Iterator[tuple[str, Any]]:
        """Yield ``(key, value)`` pairs from a mapping or an iterable of pairs, validating the pairs."""
        # PERF: the plain dict test comes first; it avoids the slower ABC instance check.
        if isinstance(data, dict) or isinstance(data, Mapping):  # noqa: SIM101
            yield from data.items()
            return
        for index, pair in enumerate(data):
            if len(pair) != 2:
                raise ValueError(
                    f"dictionary update sequence element #{index} has length {len(pair)}; 2 is required."
                )
            if not isinstance(pair[0], str):
                raise ValueError(f"Element key {pair[0]!r} invalid, only strings are allowed")
            yield pair
