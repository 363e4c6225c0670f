"""Shortcuts spanning layers: ``render()``, ``redirect()`` and ``resolve_url()``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microdj.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from microdj.urls import NoReverseMatch, reverse


def render(
    request: Any,
    template_name: str | Sequence[str],
    context: dict[str, Any] | None = None,
    content_type: str | None = None,
    status: int | None = None,
    using: str | None = None,
) -> HttpResponse:
    """An ``HttpResponse`` whose content is ``template_name`` rendered with ``context`` and ``request``.

    In async code (on the event loop's thread) the content is rendered by the handler once the view
    returns, with the engine's async mode and the template loaded off the loop (see
    :class:`microdj.template.response.AsyncRenderResponse`); reading ``content`` before renders at once.
    """
    from microdj.template.response import AsyncRenderResponse, on_event_loop

    if on_event_loop():
        return AsyncRenderResponse(request, template_name, context, content_type, status, using)
    from microdj.template.loader import render_to_string

    return HttpResponse(render_to_string(template_name, context, request, using=using), content_type, status)


def redirect(
    to: Any, *args: Any, permanent: bool = False, preserve_request: bool = False, **kwargs: Any
) -> HttpResponseRedirect | HttpResponsePermanentRedirect:
    """Redirect to ``resolve_url(to, *args, **kwargs)``.

    302 by default, 301 with ``permanent``; ``preserve_request`` keeps the method and body (307/308).
    """
    redirect_class = HttpResponsePermanentRedirect if permanent else HttpResponseRedirect
    return redirect_class(resolve_url(to, *args, **kwargs), preserve_request=preserve_request)


def resolve_url(to: Any, *args: Any, **kwargs: Any) -> str:
    """Return a URL for ``to``: its ``get_absolute_url()``, a reversed view (name), or ``to`` itself.

    ``./`` and ``../`` relative URLs are returned as-is; a string that fails to reverse is taken as a URL
    when it contains ``/`` or ``.``, else NoReverseMatch propagates.
    """
    if hasattr(to, "get_absolute_url"):
        return to.get_absolute_url()
    if isinstance(to, str) and to.startswith(("./", "../")):
        return to
    try:
        return reverse(to, args=args, kwargs=kwargs)
    except NoReverseMatch:
        if callable(to) or ("/" not in to and "." not in to):
            raise
    return to
