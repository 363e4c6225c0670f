"""``import_string``: the object a dotted path names, as Django's ``django.utils.module_loading``."""

from __future__ import annotations

from importlib import import_module
from typing import Any


def import_string(dotted_path: str) -> Any:
    """Import ``package.module.Name`` and return ``Name``; ImportError says what was wrong."""
    try:
        module_path, name = dotted_path.rsplit(".", 1)
    except ValueError as error:
        raise ImportError(f"{dotted_path!r} doesn't look like a module path.") from error
    module = import_module(module_path)
    try:
        return getattr(module, name)
    except AttributeError as error:
        raise ImportError(f"Module {module_path!r} does not define a {name!r} attribute.") from error
