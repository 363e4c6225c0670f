"""``BaseEngine``: what every template engine configured in ``TEMPLATES`` shares."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured


def app_template_dirs(dirname: str) -> tuple[str, ...]:
    """The ``dirname`` folders of the packages listed in ``INSTALLED_APPS`` (if that setting exists)."""
    found = []
    for app in getattr(settings, "INSTALLED_APPS", ()):
        spec = importlib.util.find_spec(app)
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            candidate = os.path.join(location, dirname)
            if os.path.isdir(candidate):
                found.append(candidate)
    return tuple(found)


class BaseEngine:
    """An engine built from one ``TEMPLATES`` entry (``NAME``, ``DIRS``, ``APP_DIRS``; ``OPTIONS`` is the
    subclass's)."""

    #: The folder looked for in each installed package when ``APP_DIRS`` is true.
    app_dirname = "templates"

    def __init__(self, params: dict[str, Any]) -> None:
        params = dict(params)
        self.name: str = params.pop("NAME")
        self.dirs = [os.fspath(d) for d in params.pop("DIRS")]
        self.app_dirs = bool(params.pop("APP_DIRS"))
        if params:
            raise ImproperlyConfigured(f"Unknown parameters: {', '.join(params)}")

    @cached_property
    def template_dirs(self) -> tuple[str, ...]:
        """The folders searched, in order: ``DIRS``, then the packages' folders with ``APP_DIRS``."""
        dirs = tuple(self.dirs)
        if self.app_dirs:
            dirs += app_template_dirs(self.app_dirname)
        return dirs

    def iter_template_filenames(self, template_name: str) -> Iterator[str]:
        """The candidate files for ``template_name`` (names escaping their folder are skipped)."""
        for directory in self.template_dirs:
            root = os.path.abspath(directory)
            candidate = os.path.abspath(os.path.join(root, template_name))
            if candidate == root or not candidate.startswith(os.path.join(root, "")):
                continue
            yield candidate

    def get_template(self, template_name: str) -> Any:
        """The template called ``template_name``; TemplateDoesNotExist when there is none."""
        raise NotImplementedError("subclasses of BaseEngine must provide a get_template() method")

    def from_string(self, template_code: str) -> Any:
        """A template compiled from ``template_code``."""
        raise NotImplementedError("subclasses of BaseEngine should provide a from_string() method")
