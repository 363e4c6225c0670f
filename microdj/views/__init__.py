"""Views: class-based ``View`` and ``RedirectView``; decorators live in ``microdj.views.decorators``."""

from microdj.views.generic.base import RedirectView, TemplateView, View

__all__ = ["RedirectView", "TemplateView", "View"]
