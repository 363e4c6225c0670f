"""``SuccessMessageMixin``: a success message when a form view's form is valid."""

from __future__ import annotations

from typing import Any

from microdj.contrib import messages


class SuccessMessageMixin:
    """Add ``success_message`` (``%``-formatted with the form's ``cleaned_data``) once the form is valid.

    For class-based form views: it wraps their ``form_valid(form)``.
    """

    success_message = ""
    request: Any

    def form_valid(self, form: Any) -> Any:
        """The view's own ``form_valid()``, then the success message."""
        response = super().form_valid(form)  # type: ignore[misc]
        success_message = self.get_success_message(form.cleaned_data)
        if success_message:
            messages.success(self.request, success_message)
        return response

    def get_success_message(self, cleaned_data: dict[str, Any]) -> str:
        """``success_message % cleaned_data``."""
        return self.success_message % cleaned_data
