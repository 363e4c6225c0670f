"""``static(path)``: the URL of a static file, as ``django.templatetags.static.static``."""

from __future__ import annotations


def static(path: str) -> str:
    """The URL of the static file ``path``: ``STATIC_URL`` + its (content-hashed, with a manifest) name."""
    from microdj.contrib.staticfiles.storage import staticfiles_storage

    url: str = staticfiles_storage.url(path)
    return url
