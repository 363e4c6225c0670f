"""The default CSRF failure view (settings.CSRF_FAILURE_VIEW)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from microdj.conf import settings
from microdj.http import HttpResponseForbidden
from microdj.middleware.csrf import REASON_NO_CSRF_COOKIE, REASON_NO_REFERER

if TYPE_CHECKING:
    from microdj.http import HttpRequest

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="NONE,NOARCHIVE"><title>403 Forbidden</title></head>
<body>
<h1>Forbidden <span>(403)</span></h1>
<p>CSRF verification failed. Request aborted.</p>
{hints}{details}</body>
</html>
"""

_NO_REFERER_HINT = (
    "<p>This HTTPS site checks the Referer header of form submissions, and your browser sent none. "
    "Allow Referer headers for this site (at least for same-origin requests), and check that the page "
    'does not set <code>Referrer-Policy: no-referrer</code>; use <code>rel="noreferrer"</code> on '
    "links to other sites instead.</p>\n"
)
_NO_COOKIE_HINT = (
    "<p>This site needs a CSRF cookie to accept form submissions, and your browser sent none. "
    "Allow cookies for this site (at least for same-origin requests).</p>\n"
)
_DEBUG_HELP = (
    "<h2>Help</h2>\n{reason}"
    "<p>This happens on a real cross-site request forgery, or when a form does not carry the CSRF token: "
    "every POST form targeting this site needs a <code>csrfmiddlewaretoken</code> field holding "
    "<code>get_token(request)</code> (or the token in the <code>{header}</code> header), and the browser "
    "must accept the CSRF cookie. Tokens change on login: reload the form after logging in.</p>\n"
    "<p>This help shows because DEBUG is True. Customise this page with the CSRF_FAILURE_VIEW setting.</p>\n"
)


def csrf_failure(
    request: HttpRequest, reason: str = "", template_name: str = "403_csrf.html"
) -> HttpResponseForbidden:
    """Answer a request that failed CSRF checks with 403; the reason is shown when DEBUG is on.

    ``template_name`` is accepted for Django compatibility; microdj has no template engine.
    """
    hints = ""
    if reason == REASON_NO_REFERER:
        hints = _NO_REFERER_HINT
    elif reason == REASON_NO_CSRF_COOKIE:
        hints = _NO_COOKIE_HINT
    if settings.DEBUG:
        shown = f"<p>Reason given for failure:</p>\n<pre>{escape(reason)}</pre>\n" if reason else ""
        header = settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-").title()
        details = _DEBUG_HELP.format(reason=shown, header=escape(header))
    else:
        details = "<p><small>More information is available with DEBUG=True.</small></p>\n"
    return HttpResponseForbidden(_PAGE.format(hints=hints, details=details))
