"""Templates, as ``django.template``: engines from ``TEMPLATES``, loaded by :mod:`microdj.template.loader`."""

from microdj.template.exceptions import TemplateDoesNotExist, TemplateSyntaxError
from microdj.template.utils import EngineHandler, InvalidTemplateEngineError, engines

__all__ = [
    "EngineHandler",
    "InvalidTemplateEngineError",
    "TemplateDoesNotExist",
    "TemplateSyntaxError",
    "engines",
]
