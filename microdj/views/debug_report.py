"""What the DEBUG error page shows, gathered once: frames, chained exceptions, request, settings.

Secrets are masked everywhere: a setting, local variable, header, query or form field whose name matches
``HIDDEN_NAMES`` (API, AUTH, TOKEN, KEY, SECRET, PASS, SIGNATURE, HTTP_COOKIE, as Django's) shows
``CLEANSED`` instead of its value, and so do such keys inside dicts (``DATABASES["default"]["PASSWORD"]``),
the session and CSRF cookies, and cookies so named. The masked values themselves are then also cut out of
every other text on the page (the URL, the query string, the repr of a local ``request``, the message).
"""

from __future__ import annotations

import linecache
import os
import re
import reprlib
import sys
import sysconfig
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from microdj.conf import settings

__all__ = ["CLEANSED", "HIDDEN_NAMES", "Frame", "Report", "cleanse", "is_hidden"]

CLEANSED = "********************"
HIDDEN_NAMES = re.compile("API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE", re.IGNORECASE)
# Masked values shorter than this are not cut out of other texts (they would match by chance).
MIN_REDACTED = 4
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


def cleanse(name: Any, value: Any, found: set[str] | None = None) -> Any:
    """``value`` with secrets masked: CLEANSED if ``name`` is secret, secret keys of dicts masked within.

    The string values masked are added to ``found``.
    """
    if is_hidden(name):
        if found is not None:
            _collect(value, found)
        return CLEANSED
    if isinstance(value, dict):
        return {key: cleanse(key, item, found) for key, item in value.items()}
    if isinstance(value, list | tuple) and any(isinstance(item, dict) for item in value):
        return type(value)(cleanse(None, item, found) for item in value)
    return value


def _collect(value: Any, found: set[str]) -> None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        if len(value) >= MIN_REDACTED:
            found.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, found)
    elif isinstance(value, list | tuple | set):
        for item in value:
            _collect(item, found)


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with each of ``secrets`` (longest first) replaced by CLEANSED."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, CLEANSED)
    return text


def shown(value: Any) -> str:
    """How a (cleansed) value is shown: CLEANSED as is, anything else by its repr."""
    return CLEANSED if value is CLEANSED else safe_repr(value)


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


def _frames(tb: TracebackType | None, found: set[str]) -> list[Frame]:
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
            (name, shown(cleanse(name, value, found))) for name, value in sorted(frame.f_locals.items())
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


def _chain(
    exc_value: BaseException | None, tb: TracebackType | None, found: set[str]
) -> list[ExceptionEntry]:
    entries: list[ExceptionEntry] = []
    seen: set[int] = set()
    current: BaseException | None = exc_value
    current_tb = tb
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        entry = ExceptionEntry(
            type(current).__name__,
            str(current),
            _frames(current_tb if current_tb is not None else current.__traceback__, found),
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


def _settings(found: set[str]) -> list[tuple[str, str]]:
    return [(name, shown(cleanse(name, getattr(settings, name), found))) for name in settings.names()]


def _pairs(data: Any, found: set[str]) -> list[tuple[str, str]]:
    items = data.lists() if hasattr(data, "lists") else data.items()
    return [(str(k), shown(cleanse(k, v, found))) for k, v in items]


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


def _request_data(request: Any, name: str, found: set[str]) -> list[tuple[str, str]] | str:
    if request.method in ("GET", "HEAD"):
        return []
    try:
        return _pairs(getattr(request, name), found)
    except Exception as error:  # noqa: BLE001 - e.g. the body was never received
        return f"(not available: {type(error).__name__})"


def _cookie_names() -> set[str]:
    return {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


def build_report(
    request: Any, exc_type: Any, exc_value: BaseException | None, tb: TracebackType | None
) -> Report:
    """Gather the page's content for ``exc_value`` raised while handling ``request``."""
    found: set[str] = set()
    chain = _chain(exc_value, tb, found)
    try:
        url = request.build_absolute_uri()
    except Exception:  # noqa: BLE001 - e.g. a disallowed host
        url = request.get_full_path()
    match = getattr(request, "resolver_match", None)
    view = None
    if match is not None:
        view = getattr(match, "_func_path", None) or repr(match.func)
    meta = [
        (key, value if isinstance(value, str) and not is_hidden(key) else shown(cleanse(key, value, found)))
        for key, value in sorted(request.META.items())
        if isinstance(key, str)
    ]
    secret_cookies = _cookie_names()
    cookies = []
    for name, value in sorted(request.COOKIES.items()):
        if is_hidden(name) or name in secret_cookies:
            _collect(value, found)
            value = CLEANSED
        cookies.append((name, value))
    template_debug = getattr(exc_value, "template_debug", None)
    tried = []
    all_tried = getattr(exc_value, "all_tried", None)
    if callable(all_tried):
        tried = [(str(getattr(origin, "name", origin)), reason) for origin, reason in all_tried()]
    report = Report(
        type_name=exc_type.__name__ if exc_type is not None else "Error",
        message=str(exc_value) if exc_value is not None else "None",
        chain=chain,
        method=request.method or "",
        url=url,
        path=request.path,
        view=view,
        meta=meta,
        get=_pairs(request.GET, found),
        post=_request_data(request, "POST", found),
        files=_request_data(request, "FILES", found),
        cookies=cookies,
        settings=_settings(found),
        template_debug=template_debug,
        templates_tried=tried,
    )
    _redact_report(report, sorted(found - {CLEANSED}, key=len, reverse=True))
    return report


def _redact_report(report: Report, secrets: list[str]) -> None:
    """Cut the masked values out of every other text of the report."""
    if not secrets:
        return

    def rows(items: list[tuple[str, str]] | str) -> list[tuple[str, str]] | str:
        if isinstance(items, str):
            return items
        return [(key, redact(value, secrets)) for key, value in items]

    report.message = redact(report.message, secrets)
    report.url = redact(report.url, secrets)
    report.path = redact(report.path, secrets)
    report.meta = rows(report.meta)  # type: ignore[assignment]
    report.get = rows(report.get)  # type: ignore[assignment]
    report.post = rows(report.post)
    report.files = rows(report.files)
    report.settings = rows(report.settings)  # type: ignore[assignment]
    for entry in report.chain:
        entry.message = redact(entry.message, secrets)
        for frame in entry.frames:
            frame.pre = [(n, redact(t, secrets)) for n, t in frame.pre]
            frame.line = redact(frame.line, secrets)
            frame.post = [(n, redact(t, secrets)) for n, t in frame.post]
            frame.variables = [(k, redact(v, secrets)) for k, v in frame.variables]
