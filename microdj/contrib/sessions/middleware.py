"""``SessionMiddleware``: ``request.session`` from the session cookie, saved back on the response."""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from microdj.conf import settings
from microdj.contrib.sessions.backends.base import UpdateError
from microdj.contrib.sessions.exceptions import SessionInterrupted
from microdj.utils.cache import patch_vary_headers
from microdj.utils.deprecation import MiddlewareMixin
from microdj.utils.http import http_date

if TYPE_CHECKING:
    from microdj.http import HttpRequest, HttpResponseBase


class SessionMiddleware(MiddlewareMixin):
    """Django's session middleware, sync or async depending on ``get_response`` (no thread hop when async)."""

    # PERF: process_request does no I/O (the store loads lazily), so it runs inline, without a thread hop.
    sync_hooks_in_thread = False

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        super().__init__(get_response)
        self.SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    async def __acall__(self, request: HttpRequest) -> Any:
        self.process_request(request)
        return await self.aprocess_response(request, await self.get_response(request))

    def process_request(self, request: HttpRequest) -> None:
        """Attach a session store for the session cookie (or a new, empty session)."""
        request.session = self.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))

    def _state(self, request: HttpRequest) -> tuple[bool, bool, bool] | None:
        try:
            session = request.session
            return session.accessed, session.modified, session.is_empty()
        except AttributeError:
            return None

    def _must_delete(self, request: HttpRequest, empty: bool) -> bool:
        return empty and settings.SESSION_COOKIE_NAME in request.COOKIES

    def _delete_cookie(self, response: HttpResponseBase) -> None:
        response.delete_cookie(
            settings.SESSION_COOKIE_NAME,
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
        patch_vary_headers(response, ("Cookie",))

    def _set_cookie(
        self, request: HttpRequest, response: HttpResponseBase, at_browser_close: bool, max_age: int | None
    ) -> None:
        response.set_cookie(
            settings.SESSION_COOKIE_NAME,
            request.session.session_key,
            max_age=None if at_browser_close else max_age,
            expires=None if at_browser_close or max_age is None else http_date(time.time() + max_age),
            domain=settings.SESSION_COOKIE_DOMAIN,
            path=settings.SESSION_COOKIE_PATH,
            secure=settings.SESSION_COOKIE_SECURE or None,
            httponly=settings.SESSION_COOKIE_HTTPONLY or None,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )

    def _before_save(self, request: HttpRequest, response: HttpResponseBase) -> tuple[bool, bool]:
        """Everything but the save itself: return (must save, session was accessed).

        An emptied session deletes the cookie. A 5xx response saves nothing.
        """
        state = self._state(request)
        if state is None:
            return False, False
        accessed, modified, empty = state
        if self._must_delete(request, empty):
            self._delete_cookie(response)
            return False, False
        wanted = modified or settings.SESSION_SAVE_EVERY_REQUEST
        return bool(wanted and not empty and response.status_code < 500), accessed

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> Any:
        """Save a modified (or, with SESSION_SAVE_EVERY_REQUEST, any) non-empty session and set its cookie.

        Vary: Cookie is added whenever the session was accessed or the cookie changes.
        """
        must_save, accessed = self._before_save(request, response)
        if must_save:
            session = request.session
            at_browser_close = session.get_expire_at_browser_close()
            max_age = None if at_browser_close else session.get_expiry_age()
            try:
                session.save()
            except UpdateError:
                raise SessionInterrupted(_INTERRUPTED)
            self._set_cookie(request, response, at_browser_close, max_age)
        if must_save or accessed:
            patch_vary_headers(response, ("Cookie",))
        return response

    async def aprocess_response(self, request: HttpRequest, response: HttpResponseBase) -> Any:
        """Async process_response(), using the store's async methods."""
        must_save, accessed = self._before_save(request, response)
        if must_save:
            session = request.session
            at_browser_close = await session.aget_expire_at_browser_close()
            max_age = None if at_browser_close else await session.aget_expiry_age()
            try:
                await session.asave()
            except UpdateError:
                raise SessionInterrupted(_INTERRUPTED)
            self._set_cookie(request, response, at_browser_close, max_age)
        if must_save or accessed:
            patch_vary_headers(response, ("Cookie",))
        return response


_INTERRUPTED = (
    "The request's session was deleted before the request completed. "
    "The user may have logged out in a concurrent request, for example."
)
