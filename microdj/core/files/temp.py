"""Temporary files for uploads: ``NamedTemporaryFile`` and ``gettempdir``, as Django's import path has them.

On the platforms microdj runs on (POSIX), the standard library's are the right ones.
"""

from tempfile import NamedTemporaryFile, gettempdir

__all__ = ["NamedTemporaryFile", "gettempdir"]
