"""The two URL exceptions: nothing matched a path, or nothing can be reversed for a name."""

from __future__ import annotations

from microdj.http.response import Http404


class Resolver404(Http404):
    """No URL pattern matched; ``args[0]`` is a dict with ``path`` and (usually) ``tried``."""


class NoReverseMatch(Exception):
    """reverse() found no URL pattern for the name (or view) and arguments given."""
