"""Views for the URL tests; they are never called, only resolved to and reversed."""

import functools


def index(request):
    return "index"


def detail(request, **kwargs):
    return "detail"


def other(request, *args, **kwargs):
    return "other"


def handler(request, exception=None):
    return "handler"


class ClassView:
    """A callable instance, like a class-based view object."""

    def __call__(self, request):
        return "class"


class CBV:
    """Stands for a class-based view: as_view() returns a function with ``view_class``."""

    @classmethod
    def as_view(cls):
        def view(request):
            return "cbv"

        view.view_class = cls
        return view


class_view = ClassView()
partial_view = functools.partial(other, extra=1)
