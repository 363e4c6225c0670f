"""Test helpers: ``override_settings`` and ``modify_settings``."""

from __future__ import annotations

import functools
import inspect
import unittest
from collections.abc import Callable
from typing import Any, TypeVar

from microdj.conf import settings

__all__ = ["modify_settings", "override_settings"]

F = TypeVar("F", bound=Callable[..., Any])
_MISSING = object()


class override_settings:  # noqa: N801 - Django's name
    """Change settings for a block, a sync or async function, or a test class; restore them afterwards.

    Each value is applied with ``setattr(settings, name, value)`` so settings listeners (caches) are told;
    on exit the previous values come back and settings that did not exist before are deleted again.
    A ``unittest.TestCase`` class gets the override around ``setUp``, each test and its cleanups; any other
    class (a pytest test class) gets each of its ``test*`` methods decorated.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.options = kwargs
        # One list of (name, previous value) per active ``enable()``, so nested use of one instance works.
        self._saved: list[list[tuple[str, Any]]] = []

    def enable(self) -> None:
        """Apply the overrides; if one fails, undo those already applied and re-raise."""
        saved: list[tuple[str, Any]] = []
        try:
            for name, value in self.options.items():
                saved.append((name, getattr(settings, name, _MISSING)))
                setattr(settings, name, value)
        except BaseException:
            _restore(saved)
            raise
        self._saved.append(saved)

    def disable(self) -> None:
        """Restore the settings changed by the latest ``enable()``."""
        _restore(self._saved.pop())

    def __enter__(self) -> None:
        self.enable()

    def __exit__(self, *exc_info: object) -> None:
        self.disable()

    def __call__(self, decorated: F) -> F:
        if isinstance(decorated, type):
            return self.decorate_class(decorated)  # type: ignore[return-value]
        if callable(decorated):
            return self.decorate_callable(decorated)
        raise TypeError(f"Cannot decorate object of type {type(decorated)}")

    def decorate_callable(self, func: F) -> F:
        """Wrap ``func`` (sync or async) so the overrides are active while it runs."""
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_inner(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

            return async_inner  # type: ignore[return-value]

        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return inner  # type: ignore[return-value]

    def decorate_class(self, cls: type) -> type:
        """Apply the overrides to every test of ``cls`` (see the class docstring)."""
        if issubclass(cls, unittest.TestCase):
            original_setup = cls.setUp

            def setUp(inner_self: unittest.TestCase) -> None:  # noqa: N802 - unittest's name
                self.enable()
                inner_self.addCleanup(self.disable)
                original_setup(inner_self)

            cls.setUp = setUp  # type: ignore[method-assign,assignment]
            return cls
        for name, attr in list(vars(cls).items()):
            if name.startswith("test") and inspect.isfunction(attr):
                setattr(cls, name, self.decorate_callable(attr))
        return cls


class modify_settings(override_settings):  # noqa: N801 - Django's name
    """Append, prepend or remove items of list settings: ``modify_settings(MIDDLEWARE={"append": path})``.

    Each value is a dict of actions (``append``, ``prepend``, ``remove``) to an item or a list of items;
    an item already present is not added twice. The new list is computed when the block is entered.
    """

    def __init__(self, **kwargs: dict[str, Any]) -> None:
        super().__init__()
        self.operations = list(kwargs.items())

    def enable(self) -> None:
        """Compute the new lists from the settings in force, then apply them."""
        self.options = {}
        for name, actions in self.operations:
            value = list(self.options.get(name, getattr(settings, name, [])))
            for action, items in actions.items():
                items = [items] if isinstance(items, str) else list(items)
                if action == "append":
                    value += [item for item in items if item not in value]
                elif action == "prepend":
                    value = [item for item in items if item not in value] + value
                elif action == "remove":
                    value = [item for item in value if item not in items]
                else:
                    raise ValueError(f"Unsupported action: {action}")
            self.options[name] = value
        super().enable()


def _restore(saved: list[tuple[str, Any]]) -> None:
    """Put back saved values, newest first; every one is restored even if a listener raises."""
    error: BaseException | None = None
    for name, value in reversed(saved):
        try:
            if value is _MISSING:
                if hasattr(settings, name):
                    delattr(settings, name)
            else:
                setattr(settings, name, value)
        except BaseException as exc:  # noqa: BLE001 - re-raised below, after the rest is restored
            error = error or exc
    if error is not None:
        raise error
