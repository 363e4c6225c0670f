"""The applications under benchmark: one module per framework, each with ``build(variant, **options)``."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Framework:
    """One column of the results: a framework (and view style) and how to build its application."""

    slug: str
    name: str
    module: str
    requires: tuple[str, ...]  # top-level packages that must be installed
    options: dict = field(default_factory=dict)

    @property
    def installed(self) -> bool:
        """Whether the framework's packages can be imported."""
        return all(importlib.util.find_spec(name) is not None for name in self.requires)

    def build(self, variant: str = ""):
        """Import the module and return the ASGI application for ``variant``."""
        return importlib.import_module(self.module).build(variant, **self.options)


FRAMEWORKS = [
    Framework("raw", "raw ASGI", "benchmarks.apps.raw", ("multipart",)),
    Framework("microdj", "microdj", "benchmarks.apps.microdj_app", ("microdj",), {"sync": False}),
    Framework("microdj-sync", "microdj (sync)", "benchmarks.apps.microdj_app", ("microdj",), {"sync": True}),
    # Starlette parses forms with python-multipart (the bench extra installs it).
    Framework("starlette", "Starlette", "benchmarks.apps.starlette_app", ("starlette", "python_multipart")),
    Framework("falcon", "Falcon", "benchmarks.apps.falcon_app", ("falcon",)),
    Framework("django", "Django (async)", "benchmarks.apps.django_app", ("django",), {"sync": False}),
    Framework("django-sync", "Django (sync)", "benchmarks.apps.django_app", ("django",), {"sync": True}),
]
BY_SLUG = {framework.slug: framework for framework in FRAMEWORKS}
