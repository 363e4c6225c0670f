"""Building the middleware chain once, and the innermost step: resolve the URL and call the view.

The chain is built at start-up from ``MIDDLEWARE``. Each middleware runs in the mode it supports,
preferring the mode of the layer inside it, so modes change only at boundaries: an all-async stack never
leaves the event loop, and a run of sync middleware costs one hop into a worker thread (and one back,
if the view inside is async).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from inspect import isawaitable
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NoReturn

from asgiref.sync import iscoroutinefunction

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed, RequestAborted
from microdj.core.handlers.exception import response_for_exception
from microdj.core.loading import import_middleware, root_resolver
from microdj.guard.runner import ViewRunner, view_runner
from microdj.http.response import HttpResponseBase
from microdj.urls.resolvers import get_resolver
from microdj.utils.concurrency import WorkerPool, run_on_loop
from microdj.utils.module_loading import import_string

if TYPE_CHECKING:
    from microdj.http.request import HttpRequest
    from microdj.urls.resolvers import ResolverMatch

logger = logging.getLogger("microdj.request")

AsyncHandler = Callable[["HttpRequest"], Awaitable[HttpResponseBase]]
SyncHandler = Callable[["HttpRequest"], HttpResponseBase]
Hook = Callable[..., Any]
_BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_BODY_HEADERS = frozenset({b"content-length", b"transfer-encoding"})
_name = itemgetter(0)
# How a process_view/process_exception hook is called from the async path.
_ASYNC, _INLINE, _THREAD = "async", "inline", "thread"


def _hook_mode(hook: Hook, inline: bool) -> str:
    if iscoroutinefunction(hook):
        return _ASYNC
    return _INLINE if inline else _THREAD


class MiddlewareNotCapable(ImproperlyConfigured, RuntimeError):
    """A middleware says it can run neither sync nor async (Django raises a RuntimeError for it)."""


class BaseHandler:
    """Holds the URL resolver, the worker pool, the view runner and the middleware chain built from settings.

    ``runner`` is the one seam to the blocking-call guard, chosen here once: every async view, async
    middleware and async streaming body runs through it (plainly, or under the guard).
    """

    def __init__(self, async_safety: str | None = None) -> None:
        self.resolver = root_resolver(settings.ROOT_URLCONF)
        self._fast_resolve = self.resolver.fast_resolver()
        self.pool = WorkerPool(settings.SYNC_WORKER_THREADS)
        # PERF: is-this-view-async is decided once per view function, not per request.
        self._view_is_async: dict[Any, bool] = {}
        self._view_middleware: list[tuple[Hook, str]] = []
        self._exception_middleware: list[tuple[Hook, str]] = []
        self._template_response_middleware: list[Hook] = []
        self._deferred_classes: dict[type, bool] = {}
        self.runner: ViewRunner = view_runner(async_safety)
        self._middleware_chain: Callable[[HttpRequest], Awaitable[HttpResponseBase | None]]
        self._plain_views = not self.runner.guarded
        self.load_middleware()

    def rebuild(self) -> None:
        """Reload the URLconf and middleware after a settings change (tests); errors answer every request."""
        self._view_middleware, self._exception_middleware = [], []
        self._template_response_middleware = []
        try:
            self.resolver = root_resolver(settings.ROOT_URLCONF)
            self._fast_resolve = self.resolver.fast_resolver()
            self.load_middleware()
        except Exception as error:
            problem = error
            # The error views of a URLconf no longer in force must not answer: the defaults do.
            self.resolver = None

            async def misconfigured(request: HttpRequest) -> HttpResponseBase:
                raise problem

            self._middleware_chain = misconfigured

    # ---------------------------------------------------------------------------------------- chain
    def load_middleware(self) -> None:
        """Build the chain from MIDDLEWARE, innermost first, adapting modes only at boundaries."""
        paths = list(settings.MIDDLEWARE)
        factories = [(path, import_middleware(path)) for path in paths]
        innermost_async = True
        if factories:
            innermost = factories[-1][1]
            innermost_async = getattr(innermost, "async_capable", False) or not getattr(
                innermost, "sync_capable", True
            )
        handler: Callable[..., Any] = self._get_response_async if innermost_async else self._get_response_sync
        handler_is_async = innermost_async
        handler = self._convert(handler, handler_is_async)
        for path, factory in reversed(factories):
            sync_capable = getattr(factory, "sync_capable", True)
            async_capable = getattr(factory, "async_capable", False)
            if not sync_capable and not async_capable:
                raise MiddlewareNotCapable(
                    f"Middleware {path} must have at least one of sync_capable/async_capable set to True."
                )
            middleware_is_async = async_capable and (handler_is_async or not sync_capable)
            try:
                adapted = self._adapt(handler, handler_is_async, middleware_is_async, f"middleware {path}")
                middleware = factory(adapted)
            except MiddlewareNotUsed as reason:
                # As in Django: said only with DEBUG on.
                if settings.DEBUG:
                    if str(reason):
                        logger.debug("MiddlewareNotUsed(%r): %s", path, reason)
                    else:
                        logger.debug("MiddlewareNotUsed: %r", path)
                continue
            if middleware is None:
                raise ImproperlyConfigured(f"Middleware factory {path} returned None.")
            # A sync hook runs in a worker thread (as in Django) unless its middleware says it never blocks.
            inline = not getattr(middleware, "sync_hooks_in_thread", True)
            if hasattr(middleware, "process_view"):
                hook = middleware.process_view
                self._view_middleware.insert(0, (hook, _hook_mode(hook, inline)))
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                hook = middleware.process_exception
                self._exception_middleware.append((hook, _hook_mode(hook, inline)))
            if middleware_is_async:
                middleware = self.runner.middleware(middleware, path)
            handler = self._convert(middleware, middleware_is_async)
            handler_is_async = middleware_is_async
        if not factories and innermost_async:
            # PERF: with no middleware the handler's own exception handling is the only layer needed.
            self._middleware_chain = self._get_response_async
        else:
            self._middleware_chain = self._adapt(handler, handler_is_async, True)

    def _adapt(
        self, handler: Callable[..., Any], is_async: bool, want_async: bool, name: str | None = None
    ) -> Callable[..., Any]:
        """Make ``handler`` callable in the wanted mode (a thread hop at a mode boundary).

        With DEBUG on, an adaptation is logged as Django logs it, naming ``name`` (the middleware it is for).
        """
        if is_async == want_async:
            return handler
        if settings.DEBUG:
            kind = "Synchronous" if want_async else "Asynchronous"
            what = name or f"method {getattr(handler, '__qualname__', type(handler).__qualname__)}()"
            logger.debug("%s handler adapted for %s.", kind, what)
        if want_async:
            pool = self.pool

            async def to_thread(request: HttpRequest) -> HttpResponseBase:
                response: HttpResponseBase = await pool.run(handler, request)
                return response

            return to_thread

        def to_loop(request: HttpRequest) -> HttpResponseBase:
            response: HttpResponseBase = run_on_loop(handler(request))
            return response

        return to_loop

    def _convert(self, handler: Callable[..., Any], is_async: bool) -> Callable[..., Any]:
        """Wrap one layer so that an exception raised in it becomes a response, as in Django."""
        if is_async:

            async def convert_async(request: HttpRequest) -> HttpResponseBase | None:
                try:
                    response: HttpResponseBase | None = await handler(request)
                    return response
                except RequestAborted:
                    raise
                except Exception as error:
                    return response_for_exception(request, error, self.resolver)

            return convert_async

        def convert_sync(request: HttpRequest) -> HttpResponseBase | None:
            try:
                response: HttpResponseBase | None = handler(request)
                return response
            except RequestAborted:
                raise
            except Exception as error:
                return response_for_exception(request, error, self.resolver)

        return convert_sync

    # ---------------------------------------------------------------------------------- the view step
    def _resolve(self, request: HttpRequest) -> ResolverMatch:
        """The request's ResolverMatch (also set on the request)."""
        path = request.path_info
        if request.urlconf is None:
            # PERF: the matcher is called directly; the resolver's own resolve() only when it must decide.
            match = self._fast_resolve(path) or self.resolver.resolve(path)
        else:
            match = get_resolver(request.urlconf).resolve(path)
        request.resolver_match = match
        return match

    def _learn_is_async(self, func: Any) -> bool:
        """Decide once per view (kept in ``_view_is_async``) whether ``func`` is a coroutine function."""
        is_async = self._view_is_async[func] = iscoroutinefunction(func)
        return is_async

    async def _get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        """Resolve, run process_view hooks, call the view (sync ones in a worker thread), check the result."""
        path = request.path_info
        if request.urlconf is None:
            # PERF: _resolve() inlined; the matcher is called directly, the resolver only when it must decide.
            match = self._fast_resolve(path) or self.resolver.resolve(path)
        else:
            match = get_resolver(request.urlconf).resolve(path)
        request.resolver_match = match
        callback = match.func
        # PERF: a dict lookup per request; iscoroutinefunction() runs once per view.
        view_is_async = self._view_is_async.get(callback)
        if view_is_async is None:
            view_is_async = self._learn_is_async(callback)
        view_middleware = self._view_middleware
        if (view_is_async or view_middleware) and (
            request.method not in _BODYLESS_METHODS or _declares_body(request)
        ):
            # Hooks (e.g. CSRF reading POST) and async views may read the body with Django's sync API.
            prefetch = self._prefetch_body(request)
            if prefetch is not None:
                await prefetch
        response = None
        if view_middleware:
            response = await self._process_view_async(request, callback, match.args, match.kwargs)
        if response is None:
            try:
                if view_is_async:
                    if self._plain_views:
                        # PERF: guard off: the view's own coroutine, called here as ViewRunner.view() would
                        # (without its call); a view without URL arguments is called plainly.
                        args, kwargs = match.args, match.kwargs
                        coroutine = (
                            callback(request, *args, **kwargs) if args or kwargs else callback(request)
                        )
                        response = await coroutine
                    else:
                        response = await self.runner.view(callback, request, match)
                else:
                    response = await self.pool.run(_call_view, callback, request, match.args, match.kwargs)
            except Exception as error:
                response = await self._process_exception_async(request, error)
                if response is None:
                    raise
        if not isinstance(response, HttpResponseBase):
            self._refuse(response, callback)
        # PERF: one dict lookup per request decides whether the response class renders later.
        deferred = self._deferred_classes.get(response.__class__)
        if deferred or (deferred is None and self._is_deferred(response)):
            response = await self._render_async(request, response)
        return response

    async def _process_view_async(
        self, request: HttpRequest, callback: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        for hook, mode in self._view_middleware:
            if mode is _ASYNC:
                response = await hook(request, callback, args, kwargs)
            elif mode is _INLINE:
                response = hook(request, callback, args, kwargs)
            else:
                response = await self.pool.run(hook, request, callback, args, kwargs)
            if response is not None:
                return response
        return None

    def _get_response_sync(self, request: HttpRequest) -> HttpResponseBase:
        """As ``_get_response_async``, from a worker thread (under sync middleware)."""
        match = self._resolve(request)
        callback, args, kwargs = match.func, match.args, match.kwargs
        view_is_async = self._view_is_async.get(callback)
        if view_is_async is None:
            view_is_async = self._learn_is_async(callback)
        response = None
        for hook, mode in self._view_middleware:
            result = hook(request, callback, args, kwargs)
            response = run_on_loop(result) if mode is _ASYNC else result
            if response is not None:
                break
        if response is None:
            try:
                if view_is_async:
                    response = run_on_loop(self._call_async_view(request, match))
                else:
                    response = callback(request, *args, **kwargs)
            except Exception as error:
                response = self._process_exception_sync(request, error)
                if response is None:
                    raise
        if not isinstance(response, HttpResponseBase):
            self._refuse(response, callback)
        if self._is_deferred(response):
            response = run_on_loop(self._render_async(request, response))
        return response

    async def _call_async_view(self, request: HttpRequest, match: ResolverMatch) -> Any:
        if request.method not in _BODYLESS_METHODS or _declares_body(request):
            prefetch = self._prefetch_body(request)
            if prefetch is not None:
                await prefetch
        return await self.runner.view(match.func, request, match)

    @staticmethod
    def _prefetch_body(request: HttpRequest) -> Awaitable[Any] | None:
        """What to await so that the body is received before an async view runs (None: nothing to do).

        Then Django's sync ``body``/``POST`` work in the view. Called for methods that carry a body (not GET,
        HEAD, OPTIONS, TRACE), declared or not: without a Content-Length (HTTP/2) the first message tells;
        for those four when they declare one (Content-Length or Transfer-Encoding), as a sync view reads it.
        A body whose declared length is over DATA_UPLOAD_MAX_MEMORY_SIZE is left unread; reading it later
        raises RequestDataTooBig, as in Django.
        """
        # PERF: a plain function handing back the coroutine to await: one coroutine fewer per request.
        if request.method == "POST" and request.content_type == "multipart/form-data":
            return request.apost()
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = request.content_length
        if limit is None or length is None or length <= limit:
            return request.aread()
        return None

    async def _process_exception_async(self, request: HttpRequest, error: Exception) -> Any:
        for hook, mode in self._exception_middleware:
            if mode is _ASYNC:
                response = await hook(request, error)
            elif mode is _INLINE:
                response = hook(request, error)
            else:
                response = await self.pool.run(hook, request, error)
            if response is not None:
                return response
        return None

    def _process_exception_sync(self, request: HttpRequest, error: Exception) -> Any:
        for hook, mode in self._exception_middleware:
            response = hook(request, error)
            if mode is _ASYNC:
                response = run_on_loop(response)
            if response is not None:
                return response
        return None

    def _is_deferred(self, response: Any) -> bool:
        """Whether ``response`` renders later (has a callable ``render``), as a TemplateResponse does."""
        # PERF: decided once per response class; plain responses answer with one dict lookup.
        cls = response.__class__
        deferred = self._deferred_classes.get(cls)
        if deferred is None:
            deferred = self._deferred_classes[cls] = callable(getattr(cls, "render", None))
        return deferred

    async def _render_async(self, request: HttpRequest, response: Any) -> Any:
        """Run process_template_response hooks, then render (awaited if async), as Django does.

        An error while rendering goes through the process_exception hooks.
        """
        # render() in an async view answers an AsyncRenderResponse: rendered, but not a template response.
        finish = getattr(response, "finish_render", None)
        for hook in self._template_response_middleware if finish is None else ():
            result = hook(request, response)
            response = await result if iscoroutinefunction(hook) else result
            if not isinstance(response, HttpResponseBase):
                self._refuse(response, hook, "process_template_response")
        try:
            if finish is not None:
                rendered = await finish()
            elif getattr(response, "render_on_loop", False):  # made in async code: render_async() on the loop
                rendered = await response.arender()
            elif iscoroutinefunction(response.render):
                rendered = await response.render()
            else:
                rendered = await self.pool.run(response.render)
        except Exception as error:
            handled = await self._process_exception_async(request, error)
            if handled is None:
                raise
            return handled
        return response if rendered is None else rendered

    @staticmethod
    def _refuse(response: Any, callback: Any, name: str | None = None) -> NoReturn:
        """A view must return a response object: raise the clear error (a 500) for what it gave instead."""
        if name is None:
            target = getattr(callback, "view_class", callback)
            name = (
                f"The view {target.__module__}.{getattr(target, '__qualname__', target.__class__.__name__)}"
            )
        else:
            name = f"{callback.__self__.__class__.__name__}.{name}"
        if response is None:
            raise ValueError(f"{name} didn't return an HttpResponse object. It returned None instead.")
        if isawaitable(response):
            if asyncio.iscoroutine(response):
                response.close()
            raise ValueError(
                f"{name} didn't return an HttpResponse object. It returned an unawaited coroutine instead. "
                "You may need to add an 'await' into your view."
            )
        raise ValueError(
            f"{name} didn't return an HttpResponse object. It returned a {type(response).__name__} instead."
        )


def _declares_body(request: HttpRequest) -> bool:
    """Whether a GET, HEAD, OPTIONS or TRACE request declares a body (Content-Length or Transfer-Encoding)."""
    # PERF: asked for each such request to an async view; the header names are scanned in C (about 2k
    # instructions on a 3-header GET), and the request's own body state is read only when one is named.
    return not _BODY_HEADERS.isdisjoint(map(_name, request.scope.get("headers", ()))) and request.has_body()


def _call_view(
    callback: Callable[..., Any], request: HttpRequest, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    return callback(request, *args, **kwargs)


__all__ = ["BaseHandler", "MiddlewareNotCapable", "import_string"]
