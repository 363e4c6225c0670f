"""Five no-op middleware classes in the Django style (sync- and async-capable), for microdj and Django."""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction


class NoOpMiddleware:
    """Pass the request on and return the response untouched, in whichever mode the chain runs."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        return self.get_response(request)

    async def __acall__(self, request):
        return await self.get_response(request)


class NoOp1(NoOpMiddleware):
    """First no-op layer."""


class NoOp2(NoOpMiddleware):
    """Second no-op layer."""


class NoOp3(NoOpMiddleware):
    """Third no-op layer."""


class NoOp4(NoOpMiddleware):
    """Fourth no-op layer."""


class NoOp5(NoOpMiddleware):
    """Fifth no-op layer."""


MIDDLEWARE = [f"{__name__}.NoOp{i}" for i in range(1, 6)]
