"""The error pages shown when ``DEBUG`` is on: the traceback page (500) and the technical 404.

The traceback page shows the exception and its chain (cause, context), each frame with its source lines
and local variables (frames of your code open, library and microdj frames folded), the template error
with its source lines for a ``TemplateSyntaxError``, the files tried for a ``TemplateDoesNotExist``, the
request (method, full URL, view, GET, POST, FILES, cookies, headers) and the settings, secrets masked (see
:mod:`microdj.views.debug_report`). A client that does not accept ``text/html`` (``curl -H 'Accept:
text/plain'``) gets the same as plain text, as in Django. Every piece of text is HTML-escaped. These pages
are never used with ``DEBUG`` off.
"""

from __future__ import annotations

import html
import sys
from types import TracebackType
from typing import Any

from microdj.http.response import HttpResponse, HttpResponseNotFound, HttpResponseServerError
from microdj.views.debug_report import Frame, Report, build_report

__all__ = ["technical_404_response", "technical_500_response", "wants_html"]

_STYLE = """
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;
color:#1d1d1f;background:#fff}
header{background:#fdf3d0;padding:18px 28px;border-bottom:1px solid #e5d9a8}
header h1{margin:0 0 4px;font-size:24px;font-weight:600}
header .message{margin:6px 0 12px;font:17px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
white-space:pre-wrap;word-break:break-word}
header table{font-size:14px}
main{padding:8px 28px 28px}
h2{font-size:18px;margin:26px 0 8px;padding-bottom:4px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;width:100%}
th,td{padding:3px 10px 3px 0;text-align:left;vertical-align:top}
th{width:16em;font-weight:600;color:#444}
td,code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
td{word-break:break-all}
td code{white-space:pre-wrap}
pre{margin:0;white-space:pre-wrap}
details.frame{border:1px solid #e3e3e3;border-radius:6px;margin:8px 0;background:#fafafa}
details.frame>summary{cursor:pointer;padding:7px 12px;font-size:14px}
details.frame.user>summary{background:#fff7e0}
details.frame>summary .where{font-family:ui-monospace,monospace;font-size:13px;color:#555}
details.frame>summary .fn{font-weight:600}
.tag{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:#fff;background:#b0891b;
border-radius:3px;padding:1px 5px;margin-right:6px}
.tag.lib{background:#999}
.source{padding:6px 12px 10px;overflow-x:auto}
.source ol{margin:0;padding-left:4.5em;font:13px/1.5 ui-monospace,monospace}
.source li{white-space:pre}
.source li.current{background:#ffe08a;font-weight:600}
.vars{padding:0 12px 10px}
.vars summary{cursor:pointer;font-size:13px;color:#555}
.chain{margin:22px 0 6px;font-size:15px;color:#7a5b00}
.note{color:#666;font-size:14px}
ol.patterns{font:13px ui-monospace,monospace}
footer{padding:14px 28px;background:#f3f3f3;border-top:1px solid #ddd;color:#555;font-size:14px}
"""


def wants_html(request: Any) -> bool:
    """Whether the client accepts HTML (``*/*`` does, as in Django); plain text otherwise."""
    accepts = getattr(request, "accepts", None)
    if accepts is None:
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        return "html" in accept or "*/*" in accept
    return bool(accepts("text/html"))


def _e(value: Any) -> str:
    return html.escape(str(value))


def _page(title: str, header: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="robots" content="noindex,nofollow"><meta name="viewport" content="width=device-width">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body><header>{header}</header>"
        f"<main>{body}</main><footer>You're seeing this error because you have <code>DEBUG = True</code> in "
        "your settings. Change that to <code>False</code>, and microdj will show a standard page.</footer>"
        "</body></html>"
    )


def _table(rows: list[tuple[str, str]], empty: str = "No data.") -> str:
    if not rows:
        return f'<p class="note">{_e(empty)}</p>'
    cells = "".join(f"<tr><th>{_e(k)}</th><td><code>{_e(v)}</code></td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def _summary_table(report: Report) -> str:
    rows = [("Request Method", report.method), ("Request URL", report.url)]
    if report.view:
        rows.append(("View", report.view))
    rows.append(("Exception Type", report.type_name))
    frame = report.last_user_frame
    if frame is not None:
        rows.append(("Exception Location", f"{frame.filename}, line {frame.lineno}, in {frame.function}"))
    rows.append(("Python Version", report.python))
    return "<table>" + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows) + "</table>"


def _frame_html(frame: Frame) -> str:
    lines = [*frame.pre, (frame.lineno, frame.line), *frame.post]
    start = lines[0][0] if lines else frame.lineno
    items = "".join(
        f"<li{' class=current' if n == frame.lineno else ''}>{_e(text) or ' '}</li>" for n, text in lines
    )
    source = f'<div class="source"><ol start="{start}">{items}</ol></div>' if frame.line else ""
    variables = (
        f'<details class="vars"><summary>Local variables ({len(frame.variables)})</summary>'
        f"{_table(frame.variables)}</details>"
        if frame.variables
        else ""
    )
    tag = '<span class="tag">your code</span> ' if frame.user else '<span class="tag lib">library</span> '
    opened = " open" if frame.user else ""
    kind = "user" if frame.user else "lib"
    return (
        f'<details class="frame {kind}"{opened}><summary>{tag}<span class="where">{_e(frame.filename)}, line '
        f'{frame.lineno}, in</span> <span class="fn">{_e(frame.function)}</span></summary>{source}{variables}'
        "</details>"
    )


def _template_html(report: Report) -> str:
    info = report.template_debug
    if info:
        items = "".join(
            f"<li{' class=current' if n == info['line'] else ''}>{_e(text) or ' '}</li>"
            for n, text in info["source_lines"]
        )
        start = info["source_lines"][0][0] if info["source_lines"] else 1
        return (
            f"<h2>Template error</h2><p>In template <code>{_e(info['name'])}</code>, error at line "
            f"{info['line']}: <strong>{_e(info['message'])}</strong></p>"
            f'<details class="frame user" open><summary><span class="where">{_e(info["name"])}</span>'
            f'</summary><div class="source"><ol start="{start}">{items}</ol></div></details>'
        )
    if report.templates_tried:
        rows = "".join(
            f"<li><code>{_e(path)}</code> ({_e(reason)})</li>" for path, reason in report.templates_tried
        )
        return f"<h2>Template-loader postmortem</h2><p>Files tried, in this order:</p><ol>{rows}</ol>"
    return ""


def _html_500(report: Report) -> str:
    header = (
        f"<h1>{_e(report.type_name)} at {_e(report.path)}</h1>"
        f'<pre class="message">{_e(report.type_name)}: {_e(report.message)}</pre>{_summary_table(report)}'
    )
    parts = [_template_html(report)]
    if any(entry.frames for entry in report.chain):
        parts.append("<h2>Traceback</h2>")
        parts.append(
            '<p class="note">Traceback (most recent call last); frames of libraries and microdj '
            "are folded.</p>"
        )
    for index, entry in enumerate(report.chain):
        if index:
            how = "Caused by" if report.chain[index - 1].relation == "cause" else "Raised while handling"
            parts.append(f'<h3 class="chain">{how} {_e(entry.type_name)}: {_e(entry.message)}</h3>')
        parts.extend(_frame_html(frame) for frame in entry.frames)
    post = report.post if isinstance(report.post, list) else []
    files = report.files if isinstance(report.files, list) else []
    parts += [
        "<h2>Request information</h2>",
        "<h3>GET</h3>",
        _table(report.get, "No GET data."),
        "<h3>POST</h3>",
        _table(post, report.post if isinstance(report.post, str) else "No POST data."),
        "<h3>FILES</h3>",
        _table(files, report.files if isinstance(report.files, str) else "No FILES data."),
        "<h3>COOKIES</h3>",
        _table(report.cookies, "No cookie data."),
        "<h3>META</h3>",
        _table(report.meta),
        "<h2>Settings</h2>",
        _table(report.settings),
    ]
    return _page(f"{report.type_name} at {report.path}", header, "".join(parts))


def _text_rows(rows: list[tuple[str, str]] | str) -> list[str]:
    if isinstance(rows, str):
        return [f"  {rows}"]
    return [f"  {k} = {v}" for k, v in rows] or ["  (none)"]


def _text_500(report: Report) -> str:
    out = [f"{report.type_name} at {report.path}", "", f"{report.type_name}: {report.message}", ""]
    out += [f"Request Method: {report.method}", f"Request URL: {report.url}"]
    if report.view:
        out.append(f"View: {report.view}")
    out += [f"Python Version: {report.python}", ""]
    if report.template_debug:
        info = report.template_debug
        out += [f"Template error in {info['name']}, line {info['line']}: {info['message']}"]
        out += [f"{'>' if n == info['line'] else ' '} {n:4d}  {text}" for n, text in info["source_lines"]]
        out.append("")
    for path, reason in report.templates_tried:
        out.append(f"Template tried: {path} ({reason})")
    out.append("Traceback (most recent call last):")
    for index, entry in enumerate(reversed(report.chain)):
        if index:
            out.append("")
        for frame in entry.frames:
            out.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.function}')
            if frame.line:
                out.append(f"    {frame.line.strip()}")
        out.append(f"{entry.type_name}: {entry.message}")
        relation = (
            report.chain[len(report.chain) - 1 - index - 1].relation if index + 1 < len(report.chain) else ""
        )
        if relation == "cause":
            out += ["", "The above exception was the direct cause of the following exception:"]
        elif relation == "context":
            out += ["", "During handling of the above exception, another exception occurred:"]
    failing = report.last_user_frame
    if failing is not None and failing.variables:
        out += ["", f"Local variables of {failing.function}:", *_text_rows(failing.variables)]
    out += ["", "GET:", *_text_rows(report.get), "POST:", *_text_rows(report.post)]
    out += ["FILES:", *_text_rows(report.files), "COOKIES:", *_text_rows(report.cookies)]
    out += ["META:", *_text_rows(report.meta), "", "Settings:", *_text_rows(report.settings)]
    out += ["", "You're seeing this error because you have DEBUG = True in your settings."]
    return "\n".join(out) + "\n"


def technical_500_response(
    request: Any,
    exc_type: type[BaseException] | None = None,
    exc_value: BaseException | None = None,
    tb: TracebackType | None = None,
    status_code: int = 500,
) -> HttpResponse:
    """The traceback page for an exception (the one being handled when none is given); DEBUG only."""
    if exc_value is None:
        exc_type, exc_value, tb = sys.exc_info()
    report = build_report(request, exc_type, exc_value, tb)
    if wants_html(request):
        response = HttpResponseServerError(_html_500(report))
    else:
        response = HttpResponseServerError(_text_500(report), content_type="text/plain; charset=utf-8")
    response.status_code = status_code
    return response


def technical_404_response(request: Any, exception: BaseException) -> HttpResponseNotFound:
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
        text = " ".join(str(getattr(p, "pattern", p)) for p in parts)
        name = getattr(parts[-1], "name", None) if parts else None
        patterns.append(f"{text} [name='{name}']".strip() if name else text)
    try:
        url = request.build_absolute_uri()
    except Exception:  # noqa: BLE001 - e.g. a disallowed host
        url = request.get_full_path()
    if not wants_html(request):
        lines = ["Page not found (404)", "", f"Request Method: {request.method}", f"Request URL: {url}", ""]
        if patterns:
            lines += ["URL patterns tried, in this order:"] + [
                f"  {n}. {p}" for n, p in enumerate(patterns, 1)
            ]
        lines += [message, ""]
        return HttpResponseNotFound("\n".join(lines), content_type="text/plain; charset=utf-8")
    rows = [("Request Method", request.method or ""), ("Request URL", url)]
    match = getattr(request, "resolver_match", None)
    if match is not None:
        rows.append(("View", getattr(match, "_func_path", repr(match.func))))
    header = (
        '<h1>Page not found <span style="font-weight:400;color:#666">(404)</span></h1>'
        + "<table>"
        + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
        + "</table>"
    )
    body = ""
    if patterns:
        listing = "".join(f"<li><code>{_e(p)}</code></li>" for p in patterns)
        body += f'<p>URL patterns tried, in this order:</p><ol class="patterns">{listing}</ol>'
    body += f"<p>{_e(message)}</p>"
    return HttpResponseNotFound(_page("Page not found (404)", header, body))
