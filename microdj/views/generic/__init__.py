"""Generic class-based views."""

from microdj.views.generic.base import RedirectView, TemplateView, View

__all__ = ["RedirectView", "TemplateView", "View"]
