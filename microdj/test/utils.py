"""Test helpers: ``override_settings``, ``modify_settings`` and Django's smaller test utilities.

``setup_test_environment()``/``teardown_test_environment()``, ``captured_stdout``/``stderr``/``stdin``,
``extend_sys_path``, ``ignore_warnings``, ``override_script_prefix``, ``freeze_time``, ``garbage_collect``,
``TZ_SUPPORT``/``requires_tz_support``: as Django's ``django.test.utils``.
"""

from __future__ import annotations

import functools
import gc
import inspect
import io
import sys
import time
import unittest
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from microdj.conf import settings

__all__ = [
    "TZ_SUPPORT",
    "captured_stderr",
    "captured_stdin",
    "captured_stdout",
    "extend_sys_path",
    "freeze_time",
    "garbage_collect",
    "ignore_warnings",
    "modify_settings",
    "override_script_prefix",
    "override_settings",
    "requires_tz_support",
    "setup_test_environment",
    "teardown_test_environment",
]

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

            def setUp(inner_self: unittest.TestCase) -> None:
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


# ------------------------------------------------------------------------------------ environment
_saved_environment: list[override_settings] = []


def setup_test_environment(debug: bool | None = None) -> None:
    """What a test run needs, as Django's: ``DEBUG`` off (or ``debug``) and ``testserver`` an allowed host.

    Undone by ``teardown_test_environment()``; calling it twice without that raises RuntimeError.
    """
    if _saved_environment:
        raise RuntimeError(
            "setup_test_environment() was already called and can't be called again without first calling "
            "teardown_test_environment()."
        )
    override = override_settings(DEBUG=bool(debug), ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"])
    override.enable()
    _saved_environment.append(override)


def teardown_test_environment() -> None:
    """Undo ``setup_test_environment()``."""
    _saved_environment.pop().disable()


# ----------------------------------------------------------------------------------- small helpers
@contextmanager
def _captured(name: str) -> Iterator[io.StringIO]:
    original = getattr(sys, name)
    replacement = io.StringIO()
    setattr(sys, name, replacement)
    try:
        yield replacement
    finally:
        setattr(sys, name, original)


def captured_stdout() -> Any:
    """``with captured_stdout() as out:``; ``out.getvalue()`` is what was printed."""
    return _captured("stdout")


def captured_stderr() -> Any:
    """``with captured_stderr() as err:``; ``err.getvalue()`` is what was written to stderr."""
    return _captured("stderr")


def captured_stdin() -> Any:
    """``with captured_stdin() as stdin:`` write to ``stdin``, ``seek(0)``, then the code reads it."""
    return _captured("stdin")


@contextmanager
def extend_sys_path(*paths: str) -> Iterator[None]:
    """Put ``paths`` at the end of ``sys.path`` for the block."""
    saved = sys.path[:]
    sys.path.extend(paths)
    try:
        yield
    finally:
        sys.path[:] = saved


class ignore_warnings(override_settings):  # noqa: N801 - Django's name
    """Ignore warnings matching ``warnings.filterwarnings(**kwargs)`` in a block, function or test class."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        self.filter_kwargs = kwargs
        self._managers: list[Any] = []

    def enable(self) -> None:
        manager = warnings.catch_warnings()
        manager.__enter__()
        self._managers.append(manager)
        if "message" in self.filter_kwargs or "module" in self.filter_kwargs:
            warnings.filterwarnings("ignore", **self.filter_kwargs)
        else:
            warnings.simplefilter("ignore", **self.filter_kwargs)

    def disable(self) -> None:
        self._managers.pop().__exit__(None, None, None)


class override_script_prefix(override_settings):  # noqa: N801 - Django's name
    """Use ``prefix`` as the script prefix ``reverse()`` puts before paths, for a block or function."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix
        self._previous: list[str] = []

    def enable(self) -> None:
        from microdj.urls.base import get_script_prefix, set_script_prefix

        self._previous.append(get_script_prefix())
        set_script_prefix(self.prefix)

    def disable(self) -> None:
        from microdj.urls.base import set_script_prefix

        set_script_prefix(self._previous.pop())


@contextmanager
def freeze_time(moment: float) -> Iterator[None]:
    """Make ``time.time()`` return ``moment`` in the block."""
    real = time.time
    time.time = lambda: moment
    try:
        yield
    finally:
        time.time = real


def garbage_collect() -> None:
    """Collect garbage now (several passes, as other interpreters may need)."""
    gc.collect()
    gc.collect()


#: Whether the platform can change the process's time zone (``time.tzset``).
TZ_SUPPORT = hasattr(time, "tzset")

requires_tz_support = unittest.skipUnless(
    TZ_SUPPORT,
    "This test relies on the ability to run a program in an arbitrary time zone, but your operating system "
    "isn't able to do that.",
)
