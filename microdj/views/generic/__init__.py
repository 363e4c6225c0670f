"""Generic class-based views."""

from microdj.views.generic.base import RedirectView, View

__all__ = ["RedirectView", "View"]
