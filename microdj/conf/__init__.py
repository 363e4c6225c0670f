"""Lazy project settings: ``from microdj.conf import settings``.

Nothing is imported until a setting is first read. Then the module named by the environment variable
``MICRODJ_SETTINGS_MODULE`` is imported over the defaults in :mod:`microdj.conf.global_settings`, unless
``settings.configure(**overrides)`` was called first.
"""

from __future__ import annotations

import importlib
import inspect
import os
import weakref
from collections.abc import Callable
from types import ModuleType
from typing import Any

from microdj.conf import global_settings
from microdj.core.exceptions import ImproperlyConfigured

ENVIRONMENT_VARIABLE = "MICRODJ_SETTINGS_MODULE"

_NUMBER = (int, float)
_SEQ = (list, tuple)
# Known settings and the types their values may take (None is allowed where listed).
_TYPES: dict[str, tuple[type, ...]] = {
    "DEBUG": (bool,),
    "ALLOWED_HOSTS": _SEQ,
    "ROOT_URLCONF": (str, type(None)),
    "MIDDLEWARE": _SEQ,
    "SECRET_KEY": (str, bytes),
    "SECRET_KEY_FALLBACKS": _SEQ,
    "APPEND_SLASH": (bool,),
    "PREPEND_WWW": (bool,),
    "DEFAULT_CHARSET": (str,),
    "USE_X_FORWARDED_HOST": (bool,),
    "USE_X_FORWARDED_PORT": (bool,),
    "SECURE_PROXY_SSL_HEADER": (tuple, list, type(None)),
    "DATA_UPLOAD_MAX_MEMORY_SIZE": (int, type(None)),
    "DATA_UPLOAD_MAX_NUMBER_FIELDS": (int, type(None)),
    "DATA_UPLOAD_MAX_NUMBER_FILES": (int, type(None)),
    "FILE_UPLOAD_MAX_MEMORY_SIZE": (int,),
    "FILE_UPLOAD_TEMP_DIR": (str, os.PathLike, type(None)),
    "REQUEST_BODY_TIMEOUT": (*_NUMBER, type(None)),
    "SYNC_WORKER_THREADS": (int,),
    "CSRF_TRUSTED_ORIGINS": _SEQ,
    "ASYNC_SAFETY": (str, type(None)),
    "ASYNC_SAFETY_ALLOW": _SEQ,
    "ON_STARTUP": _SEQ,
    "ON_SHUTDOWN": _SEQ,
    "MESSAGE_STORAGE": (str,),
    "MESSAGE_LEVEL": (int,),
    "MESSAGE_TAGS": (dict,),
    "LOGGING_CONFIG": (str, type(None)),
    "LOGGING": (dict,),
}
_CHOICES: dict[str, tuple[Any, ...]] = {"ASYNC_SAFETY": ("raise", "warn", "off", None)}


def _type_names(types: tuple[type, ...]) -> str:
    return " or ".join("None" if t is type(None) else t.__name__ for t in types)


def check_setting(name: str, value: Any) -> None:
    """Raise ImproperlyConfigured when a known setting has a value of the wrong type."""
    types = _TYPES.get(name)
    if types is not None and (
        not isinstance(value, types) or (bool not in types and isinstance(value, bool) and int in types)
    ):
        raise ImproperlyConfigured(
            f"The {name} setting must be {_type_names(types)}, not {type(value).__name__} ({value!r}). "
            "Fix it in your settings module."
        )
    choices = _CHOICES.get(name)
    if choices is not None and value not in choices:
        raise ImproperlyConfigured(f"The {name} setting must be one of {choices!r}, not {value!r}.")
    if name == "SECURE_PROXY_SSL_HEADER" and value is not None and len(value) != 2:
        raise ImproperlyConfigured(
            "The SECURE_PROXY_SSL_HEADER setting must be a tuple of two strings, "
            "e.g. ('HTTP_X_FORWARDED_PROTO', 'https')."
        )


def _upper_names(source: ModuleType | dict[str, Any]) -> dict[str, Any]:
    items = vars(source).items() if isinstance(source, ModuleType) else source.items()
    return {k: v for k, v in items if k.isupper()}


class Settings:
    """The settings in force: defaults, then the user's module or ``configure()`` overrides."""

    def __init__(self, overrides: dict[str, Any], module: str | None = None) -> None:
        self.SETTINGS_MODULE = module
        values = _upper_names(global_settings)
        values.update(overrides)
        for name, value in values.items():
            check_setting(name, value)
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"<Settings {self.SETTINGS_MODULE or 'configured'!s}>"


def _load_module(name: str) -> dict[str, Any]:
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"Cannot import the settings module {name!r} named by {ENVIRONMENT_VARIABLE} ({exc}). "
            "Check that the module exists and is on the Python path."
        ) from exc
    return _upper_names(module)


_Listener = Callable[[str, Any], None]


class LazySettings:
    """Proxy to the project's settings, loaded on first use and cached attribute by attribute."""

    def __init__(self) -> None:
        self.__dict__["_wrapped"] = None
        self.__dict__["_listeners"] = []

    def _setup(self) -> Settings:
        module = os.environ.get(ENVIRONMENT_VARIABLE)
        if not module:
            raise ImproperlyConfigured(
                f"Settings are not configured. Set the environment variable {ENVIRONMENT_VARIABLE} to the "
                "dotted path of your settings module (e.g. 'mysite.settings'), or call "
                "settings.configure() before using them."
            )
        wrapped = Settings(_load_module(module), module)
        self.__dict__["_wrapped"] = wrapped
        return wrapped

    def __getattr__(self, name: str) -> Any:
        wrapped = self._wrapped or self._setup()
        value = getattr(wrapped, name)
        if name.isupper():
            # PERF: later reads of this name skip __getattr__ entirely.
            self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if name.isupper():
            check_setting(name, value)
        wrapped = self._wrapped or self._setup()
        setattr(wrapped, name, value)
        self.__dict__.pop(name, None)
        self._changed(name, value)

    def __delattr__(self, name: str) -> None:
        wrapped = self._wrapped or self._setup()
        delattr(wrapped, name)
        self.__dict__.pop(name, None)
        self._changed(name, None)

    def names(self) -> list[str]:
        """The name of every setting in force (defaults included), sorted."""
        wrapped = self._wrapped or self._setup()
        return sorted(name for name in vars(wrapped) if name.isupper())

    @property
    def configured(self) -> bool:
        """True once settings were configured or loaded."""
        return self._wrapped is not None

    def configure(self, default_settings: Any = None, **overrides: Any) -> None:
        """Configure settings in code instead of a module; allowed once, before any setting is read."""
        if self._wrapped is not None:
            raise RuntimeError("Settings already configured.")
        for name in overrides:
            if not name.isupper():
                raise TypeError(f"Setting {name!r} must be upper-case.")
        base = _upper_names(default_settings) if default_settings is not None else {}
        base.update(overrides)
        self.__dict__["_wrapped"] = Settings(base)

    def add_listener(self, listener: _Listener) -> None:
        """Call ``listener(name, value)`` whenever a setting changes after start-up (override_settings).

        A bound method is held weakly, so listening does not keep its object alive.
        """
        ref = weakref.WeakMethod(listener) if inspect.ismethod(listener) else (lambda: listener)
        self._listeners.append((listener if not inspect.ismethod(listener) else None, ref))

    def remove_listener(self, listener: _Listener) -> None:
        """Stop calling ``listener`` on setting changes."""
        self._listeners[:] = [(f, ref) for f, ref in self._listeners if ref() not in (listener, None)]

    def _changed(self, name: str, value: Any) -> None:
        alive = []
        for entry in list(self._listeners):
            listener = entry[1]()
            if listener is not None:
                alive.append(entry)
                listener(name, value)
        self._listeners[:] = alive

    def _reset(self) -> None:
        """Forget the loaded settings (for tests of the loading itself)."""
        for name in [n for n in self.__dict__ if n.isupper()]:
            del self.__dict__[name]
        self.__dict__["_wrapped"] = None


settings = LazySettings()
