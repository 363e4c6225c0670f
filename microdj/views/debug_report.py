"""What the DEBUG error page shows, gathered once: frames, chained exceptions, request, settings.

Secrets are masked everywhere: a setting, local variable, header, form field or cookie whose name matches
``HIDDEN_NAMES`` (API, AUTH, TOKEN, KEY, SECRET, PASS, SIGNATURE, COOKIE, SESSION, CSRF) shows
``CLEANSED`` instead of its value, and so do such keys inside dicts (``DATABASES["default"]["PASSWORD"]``).
"""

from __future__ import annotations

import importlib
import linecache
import os
import re
import reprlib
import sys
import sysconfig
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from microdj.conf import global_settings, settings

__all__ = ["CLEANSED", "HIDDEN_NAMES", "Frame", "Report", "cleanse", "is_hidden"]

CLEANSED = "********************"
HIDDEN_NAMES = re.compile("API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE|SESSION|CSRF", re.IGNORECASE)
CONTEXT_LINES = 7
REPR_LIMIT = 4096
_PATHS = sysconfig.get_paths()
_FRAMEWORK_DIRS = tuple(
    os.path.join(path, "")
    for path in {
        *(_PATHS[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if _PATHS.get(key)),
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    }
)


def is_hidden(name: Any) -> bool:
    """Whether a value called ``name`` is a secret to mask."""
    return isinstance(name, str) and HIDDEN_NAMES.search(name) is not None


def cleanse(name: Any, value: Any) -> Any:
    """``value`` with secrets masked: CLEANSED if ``name`` is secret, secret keys of dicts masked within."""
    if is_hidden(name):
        return CLEANSED
    if isinstance(value, dict):
        return {key: cleanse(key, item) for key, item in value.items()}
    if isinstance(value, list | tuple) and any(isinstance(item, dict) for item in value):
        return type(value)(cleanse(None, item) for item in value)
    return value


_repr = reprlib.Repr()
_repr.maxstring = REPR_LIMIT
_repr.maxother = REPR_LIMIT
_repr.maxlist = _repr.maxdict = _repr.maxtuple = _repr.maxset = 100
_repr.maxlevel = 4


def safe_repr(value: Any) -> str:
    """``repr(value)``, shortened, never raising."""
    try:
        text = _repr.repr(value)
    except Exception as error:  # noqa: BLE001 - a broken __repr__ must not break the error page
        return f"<unprintable {type(value).__name__}: {type(error).__name__}>"
    if len(text) > REPR_LIMIT:
        text = text[:REPR_LIMIT] + f"… <trimmed {len(text) - REPR_LIMIT} characters>"
    return text


@dataclass
class Frame:
    """One traceback frame, ready to show."""

    filename: str
    function: str
    lineno: int
    module: str
    user: bool
    pre: list[tuple[int, str]]
    line: str
    post: list[tuple[int, str]]
    variables: list[tuple[str, str]]


def _is_user_file(filename: str) -> bool:
    return not filename.startswith(("<", *_FRAMEWORK_DIRS))


def _frames(tb: TracebackType | None) -> list[Frame]:
    frames = []
    while tb is not None:
        frame = tb.tb_frame
        code = frame.f_code
        if frame.f_locals.get("__traceback_hide__"):
            tb = tb.tb_next
            continue
        lineno = tb.tb_lineno
        filename = code.co_filename
        module_globals = frame.f_globals
        linecache.checkcache(filename)
        lines = [
            (number, linecache.getline(filename, number, module_globals).rstrip("\n"))
            for number in range(max(1, lineno - CONTEXT_LINES), lineno + CONTEXT_LINES + 1)
        ]
        lines = [(n, text) for n, text in lines if n <= lineno or text]
        pre = [(n, t) for n, t in lines if n < lineno]
        post = [(n, t) for n, t in lines if n > lineno]
        current = next((t for n, t in lines if n == lineno), "")
        variables = [
            (name, CLEANSED if is_hidden(name) else safe_repr(cleanse(None, value)))
            for name, value in sorted(frame.f_locals.items())
        ]
        frames.append(
            Frame(
                filename=filename,
                function=getattr(code, "co_qualname", code.co_name),
                lineno=lineno,
                module=str(module_globals.get("__name__", "")),
                user=_is_user_file(filename),
                pre=pre,
                line=current,
                post=post,
                variables=variables,
            )
        )
        tb = tb.tb_next
    return frames


@dataclass
class ExceptionEntry:
    """One exception of the chain (the raised one first), with its frames."""

    type_name: str
    message: str
    frames: list[Frame]
    relation: str = ""  # how the next (older) one relates to it: "cause" or "context"


def _chain(exc_value: BaseException | None, tb: TracebackType | None) -> list[ExceptionEntry]:
    entries: list[ExceptionEntry] = []
    seen: set[int] = set()
    current: BaseException | None = exc_value
    current_tb = tb
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        entry = ExceptionEntry(
            type(current).__name__, str(current), _frames(current_tb if current_tb is not None else current.__traceback__)
        )
        entries.append(entry)
        following = current.__cause__
        if following is not None:
            entry.relation = "cause"
        elif current.__context__ is not None and not current.__suppress_context__:
            following = current.__context__
            entry.relation = "context"
        current, current_tb = following, None
    return entries


def _settings() -> list[tuple[str, str]]:
    names = {name for name in vars(global_settings) if name.isupper()}
    module = settings.SETTINGS_MODULE if settings.configured else None
    if module:
        try:
            names.update(name for name in vars(importlib.import_module(module)) if name.isupper())
        except ImportError:
            pass
    found = []
    for name in sorted(names):
        try:
            value = getattr(settings, name)
        except Exception:  # noqa: BLE001, S112 - a setting that cannot be read is left out
            continue
        found.append((name, safe_repr(cleanse(name, value))))
    return found


def _pairs(data: Any) -> list[tuple[str, str]]:
    if data is None:
        return []
    items = data.lists() if hasattr(data, "lists") else data.items()
    return [(str(k), CLEANSED if is_hidden(k) else safe_repr(v)) for k, v in items]


@dataclass
class Report:
    """Everything the DEBUG page shows for one error."""

    type_name: str
    message: str
    chain: list[ExceptionEntry]
    method: str
    url: str
    path: str
    view: str | None
    meta: list[tuple[str, str]]
    get: list[tuple[str, str]]
    post: list[tuple[str, str]] | str
    files: list[tuple[str, str]] | str
    cookies: list[tuple[str, str]]
    settings: list[tuple[str, str]]
    template_debug: dict[str, Any] | None = None
    templates_tried: list[tuple[str, str]] = field(default_factory=list)
    python: str = sys.version.split()[0]

    @property
    def last_user_frame(self) -> Frame | None:
        """The innermost frame of user code of the raised exception (the line to look at first)."""
        frames = self.chain[0].frames if self.chain else []
        return next((f for f in reversed(frames) if f.user), frames[-1] if frames else None)


def _request_data(request: Any, name: str) -> list[tuple[str, str]] | str:
    if request.method in ("GET", "HEAD"):
        return []
    try:
        return _pairs(getattr(request, name))
    except Exception as error:  # noqa: BLE001 - e.g. the body was never received
        return f"(not available: {type(error).__name__})"


def build_report(request: Any, exc_type: Any, exc_value: BaseException | None, tb: TracebackType | None) -> Report:
    """Gather the page's content for ``exc_value`` raised while handling ``request``."""
    chain = _chain(exc_value, tb)
    try:
        url = request.build_absolute_uri()
    except Exception:  # noqa: BLE001 - e.g. a disallowed host
        url = request.get_full_path()
    match = getattr(request, "resolver_match", None)
    view = None
    if match is not None:
        view = getattr(match, "_func_path", None) or repr(match.func)
    meta = [
        (key, CLEANSED if is_hidden(key) else safe_repr(value) if not isinstance(value, str) else value)
        for key, value in sorted(request.META.items())
        if isinstance(key, str)
    ]
    cookies = [(k, CLEANSED if is_hidden(k) else v) for k, v in sorted(request.COOKIES.items())]
    template_debug = getattr(exc_value, "template_debug", None)
    tried = []
    all_tried = getattr(exc_value, "all_tried", None)
    if callable(all_tried):
        tried = [(str(getattr(origin, "name", origin)), reason) for origin, reason in all_tried()]
    return Report(
        type_name=exc_type.__name__ if exc_type is not None else "Error",
        message=str(exc_value) if exc_value is not None else "None",
        chain=chain,
        method=request.method or "",
        url=url,
        path=request.path,
        view=view,
        meta=meta,
        get=_pairs(request.GET),
        post=_request_data(request, "POST"),
        files=_request_data(request, "FILES"),
        cookies=cookies,
        settings=_settings(),
        template_debug=template_debug,
        templates_tried=tried,
    )
