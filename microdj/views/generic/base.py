"""Class-based views: ``View`` (dispatch by HTTP method), ``TemplateView`` and ``RedirectView``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from microdj.core.exceptions import ImproperlyConfigured
from microdj.http import (
    HttpResponse,
    HttpResponseGone,
    HttpResponseNotAllowed,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from microdj.utils.decorators import classonlymethod
from microdj.utils.log import log_response

if TYPE_CHECKING:
    from microdj.http import HttpRequest, HttpResponseBase


class _ClassProperty:
    """A read-only property computed on the class (also reachable through instances)."""

    def __init__(self, method: Callable[[type], Any]) -> None:
        self.fget = method
        self.__doc__ = method.__doc__

    def __get__(self, instance: Any, cls: type | None = None) -> Any:
        return self.fget(cls if cls is not None else type(instance))


async def _resolved(response: HttpResponseBase) -> Any:
    return response


class View:
    """Dispatch a request to the method named after its HTTP verb (``get``, ``post``, ...)."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options", "trace"]

    def __init__(self, **kwargs: Any) -> None:
        """Set each keyword argument (given to ``as_view()``) as an instance attribute."""
        for key, value in kwargs.items():
            setattr(self, key, value)

    @_ClassProperty
    def view_is_async(cls: type[View]) -> bool:  # noqa: N805 - evaluated on the class
        """True when the handlers are async; ImproperlyConfigured when sync and async are mixed."""
        handlers = [getattr(cls, m) for m in cls.http_method_names if m != "options" and hasattr(cls, m)]
        if not handlers:
            return False
        is_async = iscoroutinefunction(handlers[0])
        if any(iscoroutinefunction(h) != is_async for h in handlers[1:]):
            raise ImproperlyConfigured(
                f"{cls.__qualname__} HTTP handlers must either be all sync or all async."
            )
        return is_async

    @classonlymethod
    def as_view(cls: type[View], /, **initkwargs: Any) -> Callable[..., Any]:  # noqa: N805 - a class method
        """Return the view function: each call builds an instance with ``initkwargs`` and dispatches."""
        for key in initkwargs:
            if key in cls.http_method_names:
                raise TypeError(
                    f"The method name {key} is not accepted as a keyword argument to {cls.__name__}()."
                )
            if not hasattr(cls, key):
                raise TypeError(
                    f"{cls.__name__}() received an invalid keyword {key!r}. as_view only accepts arguments "
                    "that are already attributes of the class."
                )

        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            self = cls(**initkwargs)
            self.setup(request, *args, **kwargs)
            if not hasattr(self, "request"):
                raise AttributeError(
                    f"{cls.__name__} instance has no 'request' attribute. Did you override setup() and "
                    "forget to call super()?"
                )
            return self.dispatch(request, *args, **kwargs)

        view.__dict__.update(view_class=cls, view_initkwargs=initkwargs)
        # The name stays "view": use view_class to name the view.
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.__annotations__ = cls.dispatch.__annotations__
        # Attributes that decorators set on dispatch (e.g. csrf_exempt) apply to the view.
        view.__dict__.update(cls.dispatch.__dict__)
        if cls.view_is_async:
            # dispatch returns the handler's coroutine: the caller awaits the view on the loop.
            markcoroutinefunction(view)
        return view

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        """Store the request and URL arguments on the instance; ``head`` defaults to ``get``."""
        if hasattr(self, "get") and not hasattr(self, "head"):
            self.head = self.get
        self.request = request
        self.args = args
        self.kwargs = kwargs

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Call the handler for the request's method, or ``http_method_not_allowed``."""
        method = (request.method or "").lower()
        if method in self.http_method_names:
            handler = getattr(self, method, self.http_method_not_allowed)
        else:
            handler = self.http_method_not_allowed
        return handler(request, *args, **kwargs)

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Answer 405 with the allowed methods in ``Allow``."""
        response = HttpResponseNotAllowed(self._allowed_methods())
        log_response(
            "Method Not Allowed (%s): %s", request.method, request.path, response=response, request=request
        )
        return _resolved(response) if self.view_is_async else response

    def options(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Answer OPTIONS with 200, the allowed methods in ``Allow`` and an empty body."""
        response = HttpResponse()
        response.headers["Allow"] = ", ".join(self._allowed_methods())
        response.headers["Content-Length"] = "0"
        return _resolved(response) if self.view_is_async else response

    def _allowed_methods(self) -> list[str]:
        return [m.upper() for m in self.http_method_names if hasattr(self, m)]


class ContextMixin:
    """``get_context_data()``: the view's keyword arguments, ``view`` and ``extra_context``."""

    extra_context: dict[str, Any] | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """The template context: ``kwargs``, ``view`` (this view) and ``extra_context``."""
        kwargs.setdefault("view", self)
        if self.extra_context is not None:
            kwargs.update(self.extra_context)
        return kwargs


class TemplateResponseMixin:
    """``render_to_response()``: a ``TemplateResponse`` of ``template_name`` (rendered after the view)."""

    template_name: str | None = None
    template_engine: str | None = None
    response_class: Any = None  # TemplateResponse
    content_type: str | None = None
    request: Any

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> Any:
        """A response of ``response_class`` for the templates of ``get_template_names()`` and ``context``."""
        response_class = self.response_class
        if response_class is None:
            from microdj.template.response import TemplateResponse

            response_class = TemplateResponse
        response_kwargs.setdefault("content_type", self.content_type)
        return response_class(
            request=self.request,
            template=self.get_template_names(),
            context=context,
            using=self.template_engine,
            **response_kwargs,
        )

    def get_template_names(self) -> list[str]:
        """The template names to try, in order: ``[template_name]``."""
        if self.template_name is None:
            raise ImproperlyConfigured(
                "TemplateResponseMixin requires either a definition of 'template_name' or an implementation "
                "of 'get_template_names()'"
            )
        return [self.template_name]


class TemplateView(TemplateResponseMixin, ContextMixin, View):
    """Render ``template_name`` for GET, with the URL's keyword arguments in the context."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """The template response for ``get_context_data(**kwargs)``."""
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context)


class RedirectView(View):
    """Redirect every method to ``url`` (formatted with the URL kwargs) or the reversed ``pattern_name``."""

    permanent = False
    url: str | None = None
    pattern_name: str | None = None
    query_string = False

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str | None:
        """Return the target URL, or None (answered with 410 Gone)."""
        if self.url:
            url = self.url % kwargs
        elif self.pattern_name:
            # Imported here: microdj.urls may import this module (path() checks for View subclasses).
            from microdj.urls import reverse

            url = reverse(self.pattern_name, args=args, kwargs=kwargs)
        else:
            return None
        query = self.request.META.get("QUERY_STRING", "")
        if query and self.query_string:
            url = f"{url}?{query}"
        return url

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Redirect (302, or 301 when ``permanent``), or answer 410 Gone without a URL."""
        url = self.get_redirect_url(*args, **kwargs)
        if url:
            return HttpResponsePermanentRedirect(url) if self.permanent else HttpResponseRedirect(url)
        response = HttpResponseGone()
        log_response("Gone: %s", request.path, response=response, request=request)
        return response

    def head(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Same as ``get``."""
        return self.get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Same as ``get``."""
        return self.get(request, *args, **kwargs)

    def options(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Same as ``get``."""
        return self.get(request, *args, **kwargs)

    def delete(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Same as ``get``."""
        return self.get(request, *args, **kwargs)

    def put(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Same as ``get``."""
        return self.get(request, *args, **kwargs)

    def patch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Same as ``get``."""
        return self.get(request, *args, **kwargs)
