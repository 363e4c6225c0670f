"""The check registry: ``register()`` check functions under tags, ``run_checks()`` to run them."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, overload

from microdj.core.checks.messages import CheckMessage

CheckFunction = Callable[..., Iterable[CheckMessage]]
F = TypeVar("F", bound=CheckFunction)


class Tags:
    """The tags of microdj's own checks (``check --tag NAME`` runs only checks with that tag)."""

    async_support = "async_support"
    caches = "caches"
    commands = "commands"
    middleware = "middleware"
    security = "security"
    settings = "settings"
    staticfiles = "staticfiles"
    templates = "templates"
    urls = "urls"


def _accepts_kwargs(func: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


class CheckRegistry:
    """Check functions by kind (always, or only for deployment), in the order they were registered."""

    def __init__(self) -> None:
        self.registered_checks: list[CheckFunction] = []
        self.deployment_checks: list[CheckFunction] = []

    @overload
    def register(self, check: F, *tags: str, deploy: bool = False) -> F: ...

    @overload
    def register(self, check: str | None = None, *tags: str, deploy: bool = False) -> Callable[[F], F]: ...

    def register(self, check: Any = None, *tags: str, deploy: bool = False) -> Any:
        """Register a check function, directly or as a decorator: ``@register(Tags.security, deploy=True)``.

        A check is called with keyword arguments (``app_configs``, ``databases``; both None in microdj) and
        returns a list of :class:`CheckMessage`. ``deploy=True`` runs it only for ``check --deploy``.
        """

        def inner(func: F) -> F:
            if not _accepts_kwargs(func):
                raise TypeError("Check functions must accept keyword arguments (**kwargs).")
            func.tags = tags  # type: ignore[attr-defined]
            target = self.deployment_checks if deploy else self.registered_checks
            if func not in target:
                target.append(func)
            return func

        if callable(check):
            return inner(check)
        if check:
            tags = (check, *tags)
        return inner

    def get_checks(self, include_deployment_checks: bool = False) -> list[CheckFunction]:
        """The registered checks (and the deployment ones, if asked)."""
        checks = list(self.registered_checks)
        if include_deployment_checks:
            checks.extend(c for c in self.deployment_checks if c not in checks)
        return checks

    def run_checks(
        self,
        app_configs: Any = None,
        tags: Iterable[str] | None = None,
        include_deployment_checks: bool = False,
        databases: Any = None,
    ) -> list[CheckMessage]:
        """Run the checks (only those with one of ``tags``, if given) and return every message."""
        checks = self.get_checks(include_deployment_checks)
        if tags is not None:
            wanted = set(tags)
            checks = [c for c in checks if not wanted.isdisjoint(getattr(c, "tags", ()))]
        messages: list[CheckMessage] = []
        for check in checks:
            found = check(app_configs=app_configs, databases=databases)
            if not isinstance(found, Iterable):
                raise TypeError(
                    f"The check {check!r} did not return a list. Every registered check must return a list."
                )
            messages.extend(found)
        return messages

    def tags_available(self, deployment_checks: bool = False) -> set[str]:
        """Every tag of the registered checks."""
        return {tag for check in self.get_checks(deployment_checks) for tag in getattr(check, "tags", ())}

    def tag_exists(self, tag: str, include_deployment_checks: bool = False) -> bool:
        """True when some registered check has ``tag``."""
        return tag in self.tags_available(include_deployment_checks)


registry = CheckRegistry()
register = registry.register
run_checks = registry.run_checks
tag_exists = registry.tag_exists
