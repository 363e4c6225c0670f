"""The error pages shown when ``DEBUG`` is on: the traceback for a 500, the tried patterns for a 404.

Every piece of user-controlled text is HTML-escaped. These pages are never used with ``DEBUG`` off.
"""

from __future__ import annotations

import html
import sys
import traceback
from types import TracebackType
from typing import TYPE_CHECKING, Any

from microdj.http.response import HttpResponseNotFound, HttpResponseServerError

if TYPE_CHECKING:
    from microdj.http import HttpRequest

_STYLE = (
    "body{font:14px sans-serif;margin:0}"
    "header{background:#ffc;padding:12px 20px;border-bottom:1px solid #ddd}"
    "h1{margin:0 0 6px}pre{background:#f6f6f6;padding:10px;overflow:auto}main{padding:12px 20px}"
    "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;vertical-align:top}"
)


def _page(title: str, summary: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><header><h1>{html.escape(title)}</h1>{summary}</header>"
        f"<main>{body}<p>You're seeing this error because you have <code>DEBUG = True</code> in your "
        "settings. Change that to <code>False</code>, and microdj will show a standard page.</p>"
        "</main></body></html>"
    )


def _request_table(request: HttpRequest) -> str:
    rows = [("Request Method", request.method or ""), ("Request URL", request.path)]
    match = getattr(request, "resolver_match", None)
    if match is not None:
        rows.append(("View", getattr(match, "_func_path", repr(match.func))))
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def technical_500_response(
    request: HttpRequest,
    exc_type: type[BaseException] | None = None,
    exc_value: BaseException | None = None,
    tb: TracebackType | None = None,
    status_code: int = 500,
) -> HttpResponseServerError:
    """A 500 page with the exception and its traceback (DEBUG only)."""
    if exc_value is None:
        exc_type, exc_value, tb = sys.exc_info()
    name = exc_type.__name__ if exc_type is not None else "Error"
    lines = traceback.format_exception(exc_type, exc_value, tb) if exc_value is not None else []
    summary = f"<pre>{html.escape(f'{name}: {exc_value}')}</pre>"
    body = f"{_request_table(request)}<h2>Traceback</h2><pre>{html.escape(''.join(lines))}</pre>"
    response = HttpResponseServerError(_page(f"{name} at {request.path}", summary, body))
    response.status_code = status_code
    return response


def technical_404_response(request: HttpRequest, exception: BaseException) -> HttpResponseNotFound:
    """A 404 page listing the URL patterns that were tried (DEBUG only)."""
    tried: list[Any] = []
    error = exception.args[0] if exception.args else None
    if isinstance(error, dict):
        tried = error.get("tried", []) or []
        reason = str(error.get("path", request.path_info))
        message = f"The current path, {reason}, didn't match any of these."
    else:
        message = str(exception) or "Not Found"
    patterns = []
    for entry in tried:
        parts = entry if isinstance(entry, list | tuple) else [entry]
        patterns.append(" ".join(str(getattr(p, "pattern", p)) for p in parts))
    listing = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in patterns)
    body = f"{_request_table(request)}"
    if listing:
        body += f"<p>URL patterns tried, in this order:</p><ol>{listing}</ol>"
    body += f"<p>{html.escape(message)}</p>"
    return HttpResponseNotFound(_page("Page not found (404)", "", body))
