"""Helpers for building view decorators and marking middleware factories as sync or async capable."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, update_wrapper, wraps
from typing import TYPE_CHECKING, Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

if TYPE_CHECKING:
    _ClassMethod = classmethod[Any, ..., Any]
else:  # classmethod cannot be subscripted at run time before Python 3.12
    _ClassMethod = classmethod


class classonlymethod(_ClassMethod):  # noqa: N801 - Django's name
    """A classmethod that refuses to be called through an instance."""

    def __get__(self, instance: Any, cls: type | None = None) -> Any:
        if instance is not None:
            raise AttributeError("This method is available only on the class, not on instances.")
        return super().__get__(instance, cls)


def _copy_decorator_attributes(wrapper: Callable[..., Any], decorator: Callable[..., Any]) -> None:
    """Give ``wrapper`` the attributes ``decorator`` sets on what it decorates (e.g. ``csrf_exempt``)."""

    @decorator
    def probe(*args: Any, **kwargs: Any) -> None:
        """Stand-in decorated once to learn what the decorator adds."""

    update_wrapper(wrapper, probe)


def _multi_decorate(decorators: Any, method: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate ``method`` with one decorator or an iterable of them (applied so the first runs outermost)."""
    chain = list(decorators)[::-1] if hasattr(decorators, "__iter__") else [decorators]

    def _wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        # A bound method as a function, so decorators see (request, ...) and may set attributes on it.
        bound = wraps(method)(partial(method.__get__(self, type(self))))
        for dec in chain:
            bound = dec(bound)
        return bound(*args, **kwargs)

    for dec in chain:
        _copy_decorator_attributes(_wrapper, dec)
    update_wrapper(_wrapper, method)
    if iscoroutinefunction(method):
        markcoroutinefunction(_wrapper)
    return _wrapper


def method_decorator(decorator: Any, name: str = "") -> Callable[[Any], Any]:
    """Turn a function decorator into a method decorator, for a method or (with ``name``) a class."""

    def _dec(obj: Any) -> Any:
        if not isinstance(obj, type):
            return _multi_decorate(decorator, obj)
        if not (name and hasattr(obj, name)):
            raise ValueError(
                "The keyword argument `name` must be the name of a method of the decorated class: "
                f"{obj}. Got '{name}' instead."
            )
        method = getattr(obj, name)
        if not callable(method):
            raise TypeError(f"Cannot decorate '{name}' as it isn't a callable attribute of {obj} ({method}).")
        setattr(obj, name, _multi_decorate(decorator, method))
        return obj

    if not hasattr(decorator, "__iter__"):
        update_wrapper(_dec, decorator)
    named = decorator if hasattr(decorator, "__name__") else type(decorator)
    _dec.__name__ = f"method_decorator({named.__name__})"
    return _dec


def decorator_from_middleware_with_args(middleware_class: type) -> Callable[..., Any]:
    """Return a decorator factory passing its arguments to ``middleware_class`` after the view."""
    return make_middleware_decorator(middleware_class)


def decorator_from_middleware(middleware_class: type) -> Callable[..., Any]:
    """Return a view decorator applying ``middleware_class`` (built with no extra arguments) to one view."""
    result: Callable[..., Any] = make_middleware_decorator(middleware_class)()
    return result


def make_middleware_decorator(middleware_class: type) -> Callable[..., Any]:
    """Build a decorator factory running a middleware's hooks around a single view, sync or async."""

    def _make_decorator(*m_args: Any, **m_kwargs: Any) -> Callable[..., Any]:
        def _decorator(view_func: Callable[..., Any]) -> Callable[..., Any]:
            middleware = middleware_class(view_func, *m_args, **m_kwargs)
            process_request = getattr(middleware, "process_request", None)
            process_view = getattr(middleware, "process_view", None)
            process_exception = getattr(middleware, "process_exception", None)
            process_template_response = getattr(middleware, "process_template_response", None)
            process_response = getattr(middleware, "process_response", None)

            def before(request: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
                if process_request is not None:
                    result = process_request(request)
                    if result is not None:
                        return result
                if process_view is not None:
                    return process_view(request, view_func, args, kwargs)
                return None

            def on_error(request: Any, exc: Exception) -> Any:
                if process_exception is not None:
                    result = process_exception(request, exc)
                    if result is not None:
                        return result
                raise exc

            def after(request: Any, response: Any) -> Any:
                render = getattr(response, "render", None)
                if callable(render):
                    if process_template_response is not None:
                        response = process_template_response(request, response)
                    if process_response is not None:
                        # Run process_response once the template is rendered.
                        response.add_post_render_callback(
                            lambda rendered: process_response(request, rendered)
                        )
                    return response
                if process_response is not None:
                    return process_response(request, response)
                return response

            if iscoroutinefunction(view_func):

                @wraps(view_func)
                async def _view_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
                    result = before(request, args, kwargs)
                    if result is not None:
                        return result
                    try:
                        response = await view_func(request, *args, **kwargs)
                    except Exception as exc:  # noqa: BLE001 - process_exception() decides, as in the chain
                        return on_error(request, exc)
                    return after(request, response)

            else:

                @wraps(view_func)
                def _view_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
                    result = before(request, args, kwargs)
                    if result is not None:
                        return result
                    try:
                        response = view_func(request, *args, **kwargs)
                    except Exception as exc:  # noqa: BLE001 - process_exception() decides, as in the chain
                        return on_error(request, exc)
                    return after(request, response)

            return _view_wrapper

        return _decorator

    return _make_decorator


def sync_and_async_middleware(func: Any) -> Any:
    """Mark a middleware factory as giving a middleware that handles both sync and async requests."""
    func.sync_capable = True
    func.async_capable = True
    return func


def sync_only_middleware(func: Any) -> Any:
    """Mark a middleware factory as giving a sync-only middleware (the default)."""
    func.sync_capable = True
    func.async_capable = False
    return func


def async_only_middleware(func: Any) -> Any:
    """Mark a middleware factory as giving an async-only middleware."""
    func.sync_capable = False
    func.async_capable = True
    return func
