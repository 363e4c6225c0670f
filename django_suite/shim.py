"""The import shim: ``django.*`` answered by ``microdj.*`` in the process that runs Django's tests.

``install()`` puts a finder first on ``sys.meta_path``. An import of ``django.x.y`` imports ``microdj.x.y``
and binds that very module under the ``django.x.y`` name, so both names share one module object (one
``settings``, one signal registry). A name microdj lacks raises ``ModuleNotFoundError`` (the installed
Django is never reached), except for the subsystems that are out of scope: their modules are stand-ins so
that a test file which imports them at the top can still run its in-scope tests. A stand-in's attributes
are stand-ins too; using one in a way that needs a value raises :class:`OutOfScopeError`, so a test that
relies on it fails instead of passing by accident.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import sys
import types
from collections.abc import Sequence
from typing import Any

# Django subsystems microdj does not mirror. Imports of these succeed with stand-ins when microdj has no
# module of that name; every test that uses them is in exclusions.py.
OUT_OF_SCOPE = {
    "django.db": "the ORM",
    "django.contrib.auth": "authentication (needs the ORM)",
    "django.contrib.admin": "the admin (needs the ORM and templates)",
    "django.contrib.contenttypes": "content types (needs the ORM)",
    "django.contrib.sites": "sites (needs the ORM)",
    "django.contrib.staticfiles": "static files app (apps registry)",
    "django.template": "the template language",
    "django.templatetags": "the template language",
    "django.core.handlers.wsgi": "WSGI",
    "django.core.wsgi": "WSGI",
    "django.core.mail": "e-mail",
    "django.core.paginator": "pagination (ORM querysets)",
    "django.core.files.storage": "file storage backends (used with models)",
    "django.utils.translation": "translation (i18n)",
    "django.utils.safestring": "safe strings (template language)",
    "django.apps": "the apps registry",
    "django.forms": "forms",
    "django.core.management": "management commands",
    "django.core.checks": "system checks",
    "django.views.static": "static file serving (development server)",
    "admin_scripts": "Django's management-command tests (test support imported by logging_tests)",
    "user_commands": "Django's management-command tests",
}

# Names, in modules microdj has, of out-of-scope features that test modules import at the top (stand-ins
# are set on the module when microdj has no such name; the tests using them are in exclusions.py).
OUT_OF_SCOPE_NAMES: dict[str, dict[str, str]] = {
    "django.middleware.common": {"BrokenLinkEmailsMiddleware": "e-mail"},
    "django.views.generic": {
        "TemplateView": "the template language",
        **dict.fromkeys(
            [
                "ArchiveIndexView",
                "CreateView",
                "DateDetailView",
                "DayArchiveView",
                "DeleteView",
                "DetailView",
                "FormView",
                "ListView",
                "MonthArchiveView",
                "TodayArchiveView",
                "UpdateView",
                "WeekArchiveView",
                "YearArchiveView",
                "dates",
                "detail",
                "edit",
                "list",
            ],
            "the generic views over the ORM and forms",
        ),
    },
    "django.conf": {"DEFAULT_STORAGE_ALIAS": "file storage backends"},
    "django.test.utils": {"require_jinja2": "the template language"},
    "django.http.multipartparser": {
        "LazyStream": "Django's own multipart parser internals",
        "Parser": "Django's own multipart parser internals",
        "FILE": "Django's own multipart parser internals",
        "FIELD": "Django's own multipart parser internals",
        "RAW": "Django's own multipart parser internals",
    },
}

# Test-support modules of other (out-of-scope) test packages that in-scope tests import a helper from.
# They load with their failing top-level imports bound to stand-ins, so their helpers stay real.
LENIENT_SUPPORT = {"logging_tests.tests"}


class OutOfScopeError(RuntimeError):
    """A test used a stand-in for a subsystem that is out of scope."""


class StandIn:
    """Any attribute, call, subclass or decorator use of an out-of-scope name; anything else raises."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr: str) -> StandIn:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return StandIn(f"{self._name}.{attr}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Decorator use (``@login_required``) keeps the decorated function so the module still imports.
        if len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], StandIn):
            return args[0]
        return StandIn(f"{self._name}()")

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[type, ...]:
        return (StandInBase,)

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise OutOfScopeError(f"{self._name} is out of scope for microdj")

    # A stand-in may be a dict key or compared (identity), as in class bodies; using its value fails.
    # No __iter__/__len__/__getitem__: code that probes for them (method_decorator) must see none.
    __bool__ = __str__ = __int__ = __float__ = __bytes__ = _refuse
    __enter__ = __exit__ = _refuse

    def __repr__(self) -> str:
        return f"<out of scope: {self._name}>"


class StandInMeta(type):
    def __getattr__(cls, attr: str) -> StandIn:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return StandIn(f"{cls.__name__}.{attr}")


class StandInBase(metaclass=StandInMeta):
    """The base of classes that subclass a stand-in (a model, a queryset): instances are inert stand-ins."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        pass

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __getattr__(self, attr: str) -> StandIn:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return StandIn(f"{type(self).__name__}().{attr}")


class StandInModule(types.ModuleType):
    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return StandIn(f"{self.__name__}.{attr}")


def out_of_scope_reason(fullname: str) -> str | None:
    for prefix, reason in OUT_OF_SCOPE.items():
        if fullname == prefix or fullname.startswith(prefix + "."):
            return reason
    return None


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return types.ModuleType(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        # The import system returns whatever sits in sys.modules under the name once this returns.
        target = sys.modules[module.__name__] = importlib.import_module(self.target)
        for name in OUT_OF_SCOPE_NAMES.get(module.__name__, {}):
            if not hasattr(target, name):
                setattr(target, name, StandIn(f"{module.__name__}.{name}"))


class _StandInLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = StandInModule(spec.name)
        module.__path__ = []  # a package, so stand-in submodules import too
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


class _LenientImportsLoader(importlib.abc.Loader):
    """Executes a module's source with each top-level import that fails bound to stand-ins."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        with open(self.origin, encoding="utf-8") as f:
            tree = ast.parse(f.read(), self.origin)
        body: list[ast.stmt] = []
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [(a.asname or a.name).split(".")[0] for a in node.names]
                fallback = [ast.parse(f"{n} = __standin__({n!r})").body[0] for n in names if n != "*"] or [
                    ast.Pass()
                ]
                node = ast.Try(
                    body=[node],
                    handlers=[ast.ExceptHandler(type=ast.Name("ImportError", ast.Load()), body=fallback)],
                    orelse=[],
                    finalbody=[],
                )
            body.append(node)
        tree.body = body
        ast.fix_missing_locations(tree)
        module.__dict__["__standin__"] = StandIn
        exec(compile(tree, self.origin, "exec"), module.__dict__)


class DjangoToMicrodj(importlib.abc.MetaPathFinder):
    """Answers ``django`` and ``django.*`` with ``microdj`` modules (or out-of-scope stand-ins)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in LENIENT_SUPPORT:
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is not None and spec.origin:
                spec.loader = _LenientImportsLoader(spec.origin)
            return spec
        if fullname.startswith("microdj."):
            # ``from django.core import mail`` falls back to importing ``microdj.core.mail``.
            django_name = "django" + fullname[len("microdj") :]
            real = importlib.machinery.PathFinder.find_spec(fullname, path)
            if out_of_scope_reason(django_name) and real is None:
                return importlib.machinery.ModuleSpec(fullname, _StandInLoader(), is_package=True)
            return None
        if not fullname.startswith("django") and out_of_scope_reason(
            fullname
        ):  # an out-of-scope test package
            return importlib.machinery.ModuleSpec(fullname, _StandInLoader(), is_package=True)
        if fullname != "django" and not fullname.startswith("django."):
            return None
        mapped = "microdj" + fullname[len("django") :]
        try:
            found = importlib.util.find_spec(mapped)
        except ModuleNotFoundError:
            found = None
        if found is not None:
            return importlib.machinery.ModuleSpec(fullname, _AliasLoader(mapped), is_package=True)
        if out_of_scope_reason(fullname) is not None:
            return importlib.machinery.ModuleSpec(fullname, _StandInLoader(), is_package=True)
        raise ModuleNotFoundError(f"No module named {mapped!r} (asked for as {fullname!r})", name=fullname)


def _microdj_logger_name(name: str | None) -> str | None:
    if name is not None and (name == "django" or name.startswith("django.")):
        return "microdj" + name[len("django") :]
    return name


def install() -> None:
    """Map ``django.*`` to ``microdj.*`` for the rest of this process: imports and logger names."""
    for name in [n for n in sys.modules if n == "django" or n.startswith("django.")]:
        del sys.modules[name]
    sys.meta_path.insert(0, DjangoToMicrodj())
    # microdj logs under "microdj.request", "microdj.security.csrf", ... where Django uses "django.*";
    # tests that assertLogs("django.request") listen to microdj's logger of that name.
    get_logger = logging.getLogger

    def getLogger(name: str | None = None) -> logging.Logger:  # noqa: N802 - logging's name
        return get_logger(_microdj_logger_name(name))

    logging.getLogger = getLogger
