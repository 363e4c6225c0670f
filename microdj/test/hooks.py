"""What the test client learns from inside the handler: the request, the response object, the exception.

The client puts a state dict in the scope of each request it sends (under :data:`STATE_KEY`). The
:class:`ClientObserver` installed on ``ASGIHandler`` fills it in - the request and the response the handler
is about to send - and turns CSRF checks off when the client asks; a ``got_request_exception`` receiver
keeps the exception of a 500. Requests not sent by the test client carry no state and are left alone.
"""

from __future__ import annotations

import sys
from typing import Any

from microdj.core.handlers.asgi import ASGIHandler
from microdj.core.signals import got_request_exception
from microdj.http.request import HttpRequest
from microdj.http.response_base import HttpResponseBase

__all__ = ["STATE_KEY", "ClientObserver", "install", "new_state"]

#: The scope key of the state dict of a request sent by the test client.
STATE_KEY = "microdj.test"


def new_state(enforce_csrf_checks: bool) -> dict[str, Any]:
    """A fresh state dict for one request."""
    return {"enforce_csrf_checks": enforce_csrf_checks}


def _state(request: HttpRequest) -> dict[str, Any] | None:
    scope = request.scope
    state: dict[str, Any] | None = scope.get(STATE_KEY) if scope else None
    return state


class ClientObserver:
    """The test client's observer of the requests ``ASGIHandler`` answers."""

    def started(self, request: HttpRequest) -> None:
        state = _state(request)
        if state is not None and not state.get("enforce_csrf_checks", True):
            # The attribute Django's CSRF middleware and test client use for the same purpose.
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]

    def finished(self, request: HttpRequest, response: HttpResponseBase | None) -> None:
        state = _state(request)
        if state is not None:
            state["request"] = request
            state["response"] = response


def _store_exc_info(
    sender: Any, request: HttpRequest | None = None, exception: BaseException | None = None, **kwargs: Any
) -> None:
    state = _state(request) if request is not None else None
    if state is None or "exc_info" in state:
        return
    if exception is None:
        exception = sys.exc_info()[1]
    if exception is not None:
        state["exc_info"] = (type(exception), exception, exception.__traceback__)


def install() -> None:
    """Install the observer and the exception receiver (idempotent)."""
    if not isinstance(ASGIHandler.observer, ClientObserver):
        ASGIHandler.observer = ClientObserver()
    got_request_exception.connect(_store_exc_info, weak=False, dispatch_uid="microdj.test.hooks")
