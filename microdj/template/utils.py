"""``engines``: the template engines built from the ``TEMPLATES`` setting, once, on first use."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured
from microdj.utils.module_loading import import_string


class InvalidTemplateEngineError(ImproperlyConfigured):
    """No engine has that alias."""


class EngineHandler:
    """The engines by alias (``NAME``, by default the backend module's name, e.g. ``"jinja2"``).

    Built from ``TEMPLATES`` on first use and rebuilt after the setting changes (``override_settings``).
    """

    def __init__(self, templates: list[dict[str, Any]] | None = None) -> None:
        self._given = templates
        self._engines: dict[str, Any] | None = None
        self._lock = threading.Lock()

    @property
    def templates(self) -> dict[str, dict[str, Any]]:
        """The ``TEMPLATES`` entries by alias, with Django's defaults filled in."""
        entries = self._given if self._given is not None else settings.TEMPLATES
        found: dict[str, dict[str, Any]] = {}
        for entry in entries:
            try:
                backend = entry["BACKEND"]
            except KeyError:
                raise ImproperlyConfigured(
                    "Each entry of the TEMPLATES setting needs a BACKEND, e.g. "
                    f"'microdj.template.backends.jinja2.Jinja2'. Got: {entry!r}"
                ) from None
            params = {"NAME": backend.rsplit(".", 2)[-2], "DIRS": [], "APP_DIRS": False, "OPTIONS": {}}
            params.update(entry)
            if params["NAME"] in found:
                raise ImproperlyConfigured(
                    f"Template engine aliases aren't unique, duplicates: {params['NAME']}. "
                    "Set a unique NAME for each engine in the TEMPLATES setting."
                )
            found[params["NAME"]] = params
        return found

    def _built(self) -> dict[str, Any]:
        engines = self._engines
        if engines is None:
            with self._lock:
                engines = self._engines
                if engines is None:
                    engines = {}
                    for alias, params in self.templates.items():
                        params = dict(params)
                        backend = import_string(params.pop("BACKEND"))
                        engines[alias] = backend(params)
                    self._engines = engines
        return engines

    def __getitem__(self, alias: str) -> Any:
        try:
            return self._built()[alias]
        except KeyError:
            raise InvalidTemplateEngineError(
                f"Could not find config for '{alias}' in settings.TEMPLATES"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def all(self) -> list[Any]:
        """Every engine, in the order of ``TEMPLATES``."""
        return list(self._built().values())

    def reset(self) -> None:
        """Forget the engines (and their caches); the next use builds them again."""
        self._engines = None


engines = EngineHandler()


def _setting_changed(name: str, value: Any) -> None:
    if name in ("TEMPLATES", "DEBUG", "INSTALLED_APPS"):
        engines.reset()


settings.add_listener(_setting_changed)
