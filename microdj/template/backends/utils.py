"""The CSRF variables templates get: made (and the CSRF cookie asked for) only if a template uses them."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

__all__ = ["csrf_input", "csrf_input_lazy", "csrf_token_lazy"]


def csrf_input(request: Any) -> Markup:
    """The hidden form field carrying the request's CSRF token."""
    from microdj.middleware.csrf import get_token

    return Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(get_token(request))


class LazyCsrfInput:
    """``csrf_input``: the hidden field, built when the template prints it."""

    __slots__ = ("request",)

    def __init__(self, request: Any) -> None:
        self.request = request

    def __html__(self) -> str:
        return str(csrf_input(self.request))

    __str__ = __html__


class LazyCsrfToken:
    """``csrf_token``: the masked token, made when the template prints it."""

    __slots__ = ("request",)

    def __init__(self, request: Any) -> None:
        self.request = request

    def __str__(self) -> str:
        from microdj.middleware.csrf import get_token

        return get_token(self.request)

    def __html__(self) -> str:
        return str(escape(str(self)))


def csrf_input_lazy(request: Any) -> LazyCsrfInput:
    """``csrf_input`` for ``request``, evaluated when printed."""
    return LazyCsrfInput(request)


def csrf_token_lazy(request: Any) -> LazyCsrfToken:
    """``csrf_token`` for ``request``, evaluated when printed."""
    return LazyCsrfToken(request)
