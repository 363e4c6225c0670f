"""The flattened URL matcher behind ``URLResolver.resolve()``: cost independent of the number of routes.

At build time the resolver tree is flattened into its leaves ("entries"), in Django's order. Each entry gets
one regex for its whole path, built from the regexes of its levels with Django's semantics kept: an
include's prefix is matched once and never re-tried (an atomic group, like Django's ``search`` on the
prefix), an endpoint ``path()`` ends at ``\\Z``, an endpoint ``re_path()`` ending with ``$`` must match the
whole rest, otherwise a prefix match is enough.

* Fully literal entries go into a dict path -> entry, but only when no earlier entry can match that path
  (checked at build time), so the dict answer is Django's answer.
* Other entries are grouped by their literal prefix up to its last '/' ("directory"). Each directory has one
  combined regex of its entries in order, each alternative ending with an empty marker group; the match's
  ``lastindex`` says which entry matched (marker groups only: sre saves capture marks on every branch, so
  capturing alternatives would make the combined regex quadratic). A request looks up the directories that
  are prefixes of its path (at most one per '/'), keeps the earliest entry, then runs that entry's own
  capturing regex to get the parameters.
* Anything unusual goes to Django's nested walk (``URLResolver.resolve_nested``), which gives the exact
  answer: a converter raising ValueError, an entry whose regex cannot be flattened safely (look-behinds,
  back-references, inline flags, a top-level '|', ...).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from microdj.core.exceptions import ImproperlyConfigured
from microdj.urls.converters import (
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
)
from microdj.urls.exceptions import Resolver404
from microdj.urls.patterns import RoutePattern
from microdj.urls.resolver_match import ResolverMatch, func_path, join_route

if TYPE_CHECKING:
    from microdj.urls.patterns import RegexPattern
    from microdj.urls.resolvers import URLResolver

_SPECIAL = frozenset(".^$*+?{}[]\\|()")
_QUANTIFIERS = frozenset("*+?{")


def translate_regex(
    regex: str, keep_groups: bool, nested: bool = False
) -> tuple[str, list[str | None]] | None:
    """Rewrite a user regex so it can sit inside a larger one; None when that would change its meaning.

    Named groups become unnamed (names would clash between routes); with ``keep_groups`` False every group
    becomes non-capturing. Refused: anchors and word boundaries other than a leading '^' (removed by the
    caller), back-references, look-behinds, conditionals, inline flags, and a top-level '|' unless
    ``nested``. Returns (text, group names in order, None for an unnamed group).
    """
    out: list[str] = []
    names: list[str | None] = []
    depth = 0
    i, n = 0, len(regex)
    in_class = False
    while i < n:
        ch = regex[i]
        if ch == "\\":
            following = regex[i + 1 : i + 2]
            if following.isdigit() or (not in_class and following in ("A", "b", "B", "g", "")):
                return None
            out.append(regex[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            # A ']' right after '[' or '[^' is a member, not the end of the class.
            end = i + 2 if regex.startswith("[^", i) else i + 1
            end += regex.startswith("]", end)
            out.append(regex[i:end])
            in_class = True
            i = end
            continue
        if ch == "(":
            depth += 1
            if regex.startswith("(?P<", i):
                close = regex.find(">", i)
                names.append(regex[i + 4 : close])
                out.append("(" if keep_groups else "(?:")
                i = close + 1
                continue
            if regex.startswith("(?", i):
                if not regex.startswith(("(?:", "(?=", "(?!", "(?>"), i):
                    return None
                out.append(regex[i : i + 3])
                i += 3
                continue
            names.append(None)
            out.append("(" if keep_groups else "(?:")
            i += 1
            continue
        if ch == ")":
            depth -= 1
        elif ch == "^" or (ch == "|" and depth == 0 and not nested):
            return None
        out.append(ch)
        i += 1
    return "".join(out), names


def _leading_literal(text: str) -> str:
    """The plain text every match of ``text`` starts with (conservatively)."""
    out: list[str] = []
    for ch in text:
        if ch in _SPECIAL:
            if ch in _QUANTIFIERS and out:
                out.pop()
            break
        out.append(ch)
    return "".join(out)


class _Level:
    """One pattern of an entry's chain, as regex fragments for the flattened regexes."""

    __slots__ = ("capture", "complete", "defaults", "groups", "literal", "named", "plain")

    def __init__(
        self,
        plain: str,
        capture: str,
        groups: Sequence[tuple[str | None, Any]],
        literal: str,
        complete: bool,
        named: bool,
        defaults: dict[str, Any],
    ) -> None:
        self.plain = plain  # fragment without capturing groups (for the combined regex)
        self.capture = capture  # fragment with one plain capturing group per parameter
        self.groups = groups  # (name or None, converter or None) per capturing group of ``capture``
        self.literal = literal  # text every match starts with
        self.complete = complete  # the level matches exactly ``literal``
        self.named = named  # a regex level with named groups (its unnamed groups are then ignored)
        self.defaults = defaults


def _route_level(pattern: RoutePattern, endpoint: bool, defaults: dict[str, Any]) -> _Level | None:
    plain, capture, groups = [], [], []
    literal, complete = "", True
    for part in pattern.parts:
        if isinstance(part, str):
            plain.append(re.escape(part))
            capture.append(re.escape(part))
            literal += part if complete else ""
            continue
        translated = translate_regex(part[1].regex, keep_groups=False, nested=True)
        if translated is None:
            return None
        plain.append(f"(?:{translated[0]})")
        capture.append(f"({translated[0]})")
        groups.append(part)
        complete = False
    return _finish(plain, capture, groups, literal, complete, endpoint, True, named=True, defaults=defaults)


def _regex_level(pattern: RegexPattern, endpoint: bool, defaults: dict[str, Any]) -> _Level | None:
    text = str(pattern)
    anchored = text.startswith("^")
    source = text[1:] if anchored else text
    plain = translate_regex(source, keep_groups=False)
    capture = translate_regex(source, keep_groups=True)
    if plain is None or capture is None:
        return None
    names = capture[1]
    try:
        if re.compile(capture[0]).groups != pattern.regex.groups or re.compile(plain[0]).groups:
            return None  # pragma: no cover - the translation keeps the group count by construction
    except re.error:  # pragma: no cover - idem, kept as a safety net
        return None
    named = any(names)
    groups = [(name, None) for name in names]
    fullmatch = endpoint and text.endswith("$")
    if fullmatch:
        literal = _leading_literal(source[:-1])
        complete = literal == source[:-1]
    elif anchored:
        literal = _leading_literal(source)
        complete = literal == source and not endpoint
    else:
        literal, complete = "", False
    return _finish(
        [plain[0]],
        [capture[0]],
        groups,
        literal,
        complete,
        endpoint,
        anchored or fullmatch,
        named=named,
        defaults=defaults,
        fullmatch=fullmatch,
    )


def _finish(
    plain: list[str],
    capture: list[str],
    groups: Sequence[tuple[str | None, Any]],
    literal: str,
    complete: bool,
    endpoint: bool,
    anchored: bool,
    named: bool,
    defaults: dict[str, Any],
    fullmatch: bool = True,
) -> _Level:
    lead = "" if anchored else "(?s:.*?)"
    body_plain, body_capture = lead + "".join(plain), lead + "".join(capture)
    if endpoint:
        tail = r"\Z" if fullmatch else r"(?s:.*)\Z"
        body_plain, body_capture = body_plain + tail, body_capture + tail
    elif not complete:
        # Django matches an include's prefix once and never retries it: an atomic group does the same.
        body_plain, body_capture = f"(?>{body_plain})", f"(?>{body_capture})"
    return _Level(body_plain, body_capture, groups, literal, complete, named, defaults)


def _level(pattern: Any, endpoint: bool, defaults: dict[str, Any]) -> _Level | None:
    if isinstance(pattern, RoutePattern):
        return _route_level(pattern, endpoint, defaults)
    return _regex_level(pattern, endpoint, defaults)


class Entry:
    """One leaf of the flattened tree: its position, regex, parameter plan and precomputed match data."""

    __slots__ = (
        "alternative",
        "app_names",
        "base",
        "deferred",
        "extra",
        "flat",
        "has_args",
        "index",
        "levels",
        "literal",
        "namespaces",
        "regex",
        "static_attrs",
        "static_path",
        "steps",
    )

    def __init__(self, index: int, chain: list[URLResolver], leaf: Any) -> None:
        self.index = index
        # An include left unflattened: its prefix picks it, then the nested walk resolves below it.
        self.deferred = deferred = hasattr(leaf, "url_patterns")
        patterns = [r.pattern for r in chain] + [leaf.pattern]
        defaults = [r.default_kwargs for r in chain] + [
            leaf.default_kwargs if deferred else leaf.default_args
        ]
        levels = [
            _level(p, i == len(chain) and not deferred, d)
            for i, (p, d) in enumerate(zip(patterns, defaults, strict=True))
        ]
        self.levels: list[_Level] | None = None if None in levels else levels  # type: ignore[assignment]
        self.app_names = tuple(r.app_name for r in chain if r.app_name)
        self.namespaces = tuple(r.namespace for r in chain if r.namespace)
        extra: dict[str, Any] = {}
        for d in defaults:
            extra.update(d)
        self.extra = extra
        self.static_path: str | None = None
        self.literal = ""
        self.steps: list[tuple[list[tuple[int, str, Any]], dict[str, Any], bool]] = []
        self.has_args = False
        self.regex: re.Pattern[str] | None
        if deferred:
            self.regex = None
            if self.levels is None:
                self.alternative = "()"
            else:
                self.literal = _prefix_literal(self.levels)
                self.alternative = "".join(level.plain for level in self.levels) + "()"
            return
        route = str(leaf.pattern)
        for resolver in reversed(chain[1:]):
            route = join_route(str(resolver.pattern), route)
        path = func_path(leaf.callback)
        self.base = {
            "func": leaf.callback,
            "url_name": leaf.pattern.name,
            "route": route,
            "app_name": ":".join(self.app_names),
            "namespace": ":".join(self.namespaces),
            "_func_path": path,
            "view_name": ":".join([*self.namespaces, leaf.pattern.name or path]),
        }
        self.static_attrs = {**self.base, "args": ()}
        if self.levels is None:
            self.regex = None
            self.alternative = "()"  # stands for "anything may match here": hands over to the nested walk
            return
        self._plan(self.levels)

    def _plan(self, levels: list[_Level]) -> None:
        literal = _prefix_literal(levels)
        if all(level.complete for level in levels):
            self.static_path = literal
        self.literal = literal
        self.regex = re.compile("".join(level.capture for level in levels))
        self.alternative = "".join(level.plain for level in levels) + "()"
        group = 0
        for depth, level in enumerate(levels):
            params = []
            for name, converter in level.groups:
                if level.named and name:
                    params.append((group, name, converter))
                group += 1
            if level.groups and not level.named:
                self.has_args = True
            self.steps.append((params, level.defaults, depth == len(levels) - 1))
        self.flat = self._flat_plan()

    def _flat_plan(self) -> tuple[tuple[int, str, Any], ...] | None:
        """For the usual route (parameters only in the leaf, all from path() converters, no extra kwargs and
        no positional args): ``(group index, name, to_python or None for identity)`` triples."""
        if self.has_args:
            return None
        *outer, (leaf_params, leaf_defaults, _) = self.steps
        if leaf_defaults or any(params or defaults for params, defaults, _ in outer):
            return None
        plan: list[tuple[int, str, Any]] = []
        for index, name, converter in leaf_params:
            if converter is None:
                return None
            kind = type(converter)
            # PERF: the built-in converters' to_python is the identity or int()/UUID(): call those directly.
            if kind in (StringConverter, SlugConverter, PathConverter):
                plan.append((index, name, None))
            elif kind is IntConverter:
                plan.append((index, name, int))
            elif kind is UUIDConverter:
                plan.append((index, name, uuid.UUID))
            else:
                plan.append((index, name, converter.to_python))
        return tuple(plan)

    def convert(self, groups: tuple[Any, ...]) -> tuple[tuple[Any, ...], dict[str, Any], dict[str, Any]]:
        """(args, kwargs, captured_kwargs) from the groups of ``self.regex``; ValueError from a converter."""
        flat = self.flat
        if flat is not None:
            found = {
                name: groups[index] if to_python is None else to_python(groups[index])
                for index, name, to_python in flat
            }
            return (), found, {**found}
        kwargs: dict[str, Any] = {}
        captured: dict[str, Any] = {}
        for params, defaults, is_leaf in self.steps:
            for index, name, converter in params:
                value = groups[index]
                if converter is not None:
                    value = converter.to_python(value)
                elif value is None:
                    continue
                kwargs[name] = value
                if is_leaf:
                    captured[name] = value
            if defaults:
                kwargs.update(defaults)
        return (self._args(groups) if self.has_args else ()), kwargs, captured

    def _args(self, groups: tuple[Any, ...]) -> tuple[Any, ...]:
        """Positional args as Django folds them: a level's unnamed groups count only while no kwargs exist."""
        per_level = []
        start = 0
        for level in self.levels:  # type: ignore[union-attr]
            own = groups[start : start + len(level.groups)]
            start += len(own)
            has_kwargs = bool(level.defaults) or (
                level.named
                and any(v is not None for v, (name, _) in zip(own, level.groups, strict=True) if name)
            )
            per_level.append(((() if level.named else own), has_kwargs))
        args, nonempty = per_level[-1]
        for level_args, has_kwargs in reversed(per_level[:-1]):
            nonempty = nonempty or has_kwargs
            if not nonempty:
                args = level_args + args
        return args


def _prefix_literal(levels: list[_Level]) -> str:
    """The text every path matched by ``levels`` starts with."""
    literal = ""
    for level in levels:
        literal += level.literal
        if not level.complete:
            break
    return literal


class Matcher:
    """The flattened form of one URLResolver, answering resolve() the way Django's nested walk does."""

    def __init__(self, resolver: URLResolver) -> None:
        self.resolver = resolver
        self.entries = entries = [Entry(i, chain, leaf) for i, (chain, leaf) in enumerate(_leaves(resolver))]
        dynamic: dict[str, list[Entry]] = {}
        for entry in entries:
            if entry.static_path is None:
                literal = entry.literal
                dynamic.setdefault(literal[: literal.rfind("/") + 1], []).append(entry)
        # directory -> (combined regex, entry by marker group number)
        self.directories: dict[str, tuple[re.Pattern[str], list[Entry | None]]] = {
            directory: _combine(members) for directory, members in dynamic.items()
        }
        self.root_directory = self.directories.get("")
        self.max_slashes = max((d.count("/") for d in self.directories), default=0)
        # PERF: a static path is answered from this dict only when no earlier entry can match it; the value
        # is the whole attribute dict of its ResolverMatch but the three kwargs dicts (fresh per request).
        self.static: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        for entry in entries:
            path = entry.static_path
            if path is not None and path not in self.static:
                earlier = self._dynamic(path)
                if earlier is None or earlier.index > entry.index:
                    self.static[path] = (
                        {**entry.static_attrs, "_lazy": (entry, resolver, path)},
                        entry.extra,
                    )

    def _dynamic(self, path: str) -> Entry | None:
        """The earliest non-static entry whose regex matches ``path`` (converters not applied)."""
        best = None
        # PERF: only directories that are prefixes of the path, at most one per '/', each one regex.
        if self.root_directory is not None:
            found = self.root_directory[0].match(path)
            if found is not None:
                best = self.root_directory[1][found.lastindex]  # type: ignore[index]
        get = self.directories.get
        end = path.find("/") + 1
        remaining = self.max_slashes
        while end and remaining:
            directory = get(path[:end])
            if directory is not None:
                found = directory[0].match(path)
                if found is not None:
                    entry = directory[1][found.lastindex]  # type: ignore[index]
                    if best is None or entry.index < best.index:  # type: ignore[union-attr]
                        best = entry
            end = path.find("/", end) + 1
            remaining -= 1
        return best

    def resolve(self, path: str) -> ResolverMatch | None:
        """The match for ``path``, or None when Django's nested walk must decide; Resolver404 on a miss."""
        static = self.static.get(path)
        if static is not None:
            # PERF: static routes (most of them) build their match inline, from a prepared attribute dict.
            attrs, extra = static
            match = _new(ResolverMatch)
            match.__dict__ = attrs = attrs.copy()
            attrs["kwargs"] = {**extra}
            attrs["extra_kwargs"] = {**extra}
            attrs["captured_kwargs"] = {}
            return match
        entry = self._dynamic(path)
        if entry is None:
            raise Resolver404(NotFoundInfo(self.resolver, path))
        if entry.regex is None:
            return None
        try:
            args, kwargs, captured = entry.convert(entry.regex.match(path).groups())  # type: ignore[union-attr]
        except ValueError:
            return None  # a converter refused the value: later patterns may match
        return make_match(entry, self.resolver, path, args, kwargs, captured)


# Bounds of the flattening: past them, an include is matched by its prefix only and resolved by the
# nested walk (Django's own way, lazily, level by level), so any URLconf builds in bounded time and memory.
MAX_ENTRIES = 10_000
MAX_DEPTH = 12


def _leaves(resolver: URLResolver) -> Any:
    """``(chain, leaf)`` in Django's order; ``leaf`` is a URLPattern, or a URLResolver left to the nested walk
    (an include of a URLconf already in its chain, one too deep, or any include once MAX_ENTRIES is spent)."""
    budget = MAX_ENTRIES

    def walk(resolver: URLResolver, chain: tuple[URLResolver, ...], seen: frozenset[int]) -> Any:
        nonlocal budget
        chain = (*chain, resolver)
        seen = seen | {id(resolver.urlconf_module)}
        for pattern in resolver.url_patterns:
            if (
                not hasattr(pattern, "url_patterns")
                or budget <= 0
                or len(chain) >= MAX_DEPTH
                or id(pattern.urlconf_module) in seen  # type: ignore[union-attr]
            ):
                budget -= 1
                yield list(chain), pattern
            else:
                yield from walk(pattern, chain, seen)  # type: ignore[arg-type]

    return walk(resolver, (), frozenset())


def _combine(entries: list[Entry]) -> tuple[re.Pattern[str], list[Entry | None]]:
    """One regex trying ``entries`` in order; marker group k (its ``lastindex``) names the k-th entry."""
    try:
        regex = re.compile("|".join(entry.alternative for entry in entries))
    except (re.error, RecursionError, OverflowError) as exc:  # pragma: no cover - each part compiled alone
        raise ImproperlyConfigured(f"Cannot combine the URL patterns into one regex: {exc}") from exc
    return regex, [None, *entries]


_new = object.__new__


def make_match(
    entry: Entry,
    resolver: URLResolver,
    path: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    captured: dict[str, Any],
) -> ResolverMatch:
    """A ResolverMatch from precomputed entry data; app_names, namespaces and tried are read lazily."""
    # PERF: no __init__: everything but the arguments was computed when the matcher was built.
    match = _new(ResolverMatch)
    match.__dict__ = attrs = entry.static_attrs.copy()
    attrs["args"] = args
    attrs["kwargs"] = kwargs
    attrs["captured_kwargs"] = captured
    attrs["extra_kwargs"] = dict(entry.extra)
    attrs["_lazy"] = (entry, resolver, path)
    return match


class NotFoundInfo(dict):  # type: ignore[type-arg]
    """Resolver404's ``{"tried": ..., "path": ...}``, computed by the nested walk only when first read.

    PERF: a miss costs one dict lookup and a few regexes; listing every pattern tried is left to whoever
    reads it (the DEBUG 404 page).
    """

    def __init__(self, resolver: URLResolver, path: str) -> None:
        super().__init__()
        self._pending: tuple[URLResolver, str] | None = (resolver, path)

    def _load(self) -> None:
        if self._pending is not None:
            resolver, path = self._pending
            self._pending = None
            try:
                resolver.resolve_nested(path)
            except Resolver404 as exc:
                dict.update(self, exc.args[0])

    def __getitem__(self, key: Any) -> Any:
        self._load()
        return dict.__getitem__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._load()
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        self._load()
        return dict.__contains__(self, key)

    def __iter__(self) -> Any:
        self._load()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._load()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._load()
        return dict.keys(self)

    def values(self) -> Any:
        self._load()
        return dict.values(self)

    def items(self) -> Any:
        self._load()
        return dict.items(self)

    def __eq__(self, other: object) -> bool:
        self._load()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None

    def __repr__(self) -> str:
        self._load()
        return dict.__repr__(self)
