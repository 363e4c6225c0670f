"""Turning a view given as a dotted path into the callable it names."""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from microdj.core.exceptions import ViewDoesNotExist


def get_mod_func(callback: str) -> tuple[str, str]:
    """Split 'pkg.module.view' into ('pkg.module', 'view'); no dot gives (callback, '')."""
    module, dot, name = callback.rpartition(".")
    if not dot:
        return callback, ""
    return module, name


def _has_submodule(package: Any, name: str) -> bool:
    if not hasattr(package, "__path__"):
        return False
    return find_spec(f"{package.__name__}.{name}") is not None


@functools.cache
def get_callable(lookup_view: Any) -> Callable[..., Any]:
    """Return ``lookup_view`` if callable, else import the dotted path it names and return that callable.

    Raises ImportError or ViewDoesNotExist, as Django does.
    """
    if callable(lookup_view):
        given: Callable[..., Any] = lookup_view
        return given
    if not isinstance(lookup_view, str):
        raise ViewDoesNotExist(f"'{lookup_view}' is not a callable or a dot-notation path")
    mod_name, func_name = get_mod_func(lookup_view)
    if not func_name:
        raise ImportError(f"Could not import '{lookup_view}'. The path must be fully qualified.")
    try:
        module = import_module(mod_name)
    except ImportError:
        parent, child = get_mod_func(mod_name)
        if child and not _has_submodule(import_module(parent), child):
            raise ViewDoesNotExist(
                f"Could not import '{lookup_view}'. Parent module {mod_name} does not exist."
            )
        raise
    try:
        view: Callable[..., Any] = getattr(module, func_name)
    except AttributeError:
        raise ViewDoesNotExist(
            f"Could not import '{lookup_view}'. View does not exist in module {mod_name}."
        ) from None
    if not callable(view):
        raise ViewDoesNotExist(f"Could not import '{mod_name}.{func_name}'. View is not callable.")
    return view
