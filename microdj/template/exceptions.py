"""The exceptions every template backend raises, as ``django.template.exceptions``."""

from __future__ import annotations

from typing import Any


class TemplateDoesNotExist(Exception):
    """No template of that name was found.

    ``tried`` lists ``(origin, reason)`` pairs, one per file looked at; ``chain`` holds the errors of each
    engine or name tried when several were; ``backend`` is the engine that raised it.
    """

    def __init__(
        self,
        msg: str,
        tried: list[tuple[Any, str]] | None = None,
        backend: Any = None,
        chain: list[TemplateDoesNotExist] | None = None,
    ) -> None:
        self.backend = backend
        self.tried = tried if tried is not None else []
        self.chain = chain if chain is not None else []
        super().__init__(msg)

    def all_tried(self) -> list[tuple[Any, str]]:
        """Every ``(origin, reason)`` pair of this error and of the errors it chains, in order."""
        found = list(self.tried)
        for error in self.chain:
            found.extend(error.all_tried())
        return found


class TemplateSyntaxError(Exception):
    """A template could not be compiled; ``template_debug`` (when set) locates the error in the source."""

    template_debug: dict[str, Any] | None = None
