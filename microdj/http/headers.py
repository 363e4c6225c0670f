"""Request headers: the ``request.headers`` mapping, and the UTF-8 check of the path and query string."""

from __future__ import annotations

from typing import Any

from microdj.core.exceptions import BadRequest
from microdj.utils.datastructures import CaseInsensitiveMapping


def check_utf8(scope: dict[str, Any]) -> None:
    """Raise BadRequest unless the request's path and query string are UTF-8 (Django fails with a 500)."""
    try:
        scope["path"].encode("utf-8")
        for raw in (scope.get("raw_path"), scope.get("query_string")):
            if raw and not raw.isascii():
                raw.decode("utf-8")
    except UnicodeError:
        raise BadRequest("The request's path or query string is not valid UTF-8.") from None


class HttpHeaders(CaseInsensitiveMapping):
    """The request's HTTP headers from META, keyed as "Content-Type", "User-Agent", …"""

    HTTP_PREFIX = "HTTP_"
    UNPREFIXED_HEADERS = {"CONTENT_TYPE", "CONTENT_LENGTH"}

    def __init__(self, environ: dict[str, Any]) -> None:
        headers = {}
        for name, value in environ.items():
            header = self.parse_header_name(name)
            if header:
                headers[header] = value
        super().__init__(headers)

    def __getitem__(self, key: str) -> str:
        """Allow underscores in place of hyphens, as Django does (``headers["User_Agent"]``)."""
        value: str = super().__getitem__(key.replace("_", "-"))
        return value

    @classmethod
    def parse_header_name(cls, header: str) -> str | None:
        """Turn a META key into a header name, or None if it is not a header."""
        if header.startswith(cls.HTTP_PREFIX):
            header = header.removeprefix(cls.HTTP_PREFIX)
        elif header not in cls.UNPREFIXED_HEADERS:
            return None
        return header.replace("_", "-").title()

    @classmethod
    def to_wsgi_name(cls, header: str) -> str:
        """Turn a header name into its META key ("Content-Type" → "CONTENT_TYPE")."""
        header = header.replace("-", "_").upper()
        if header in cls.UNPREFIXED_HEADERS:
            return header
        return f"{cls.HTTP_PREFIX}{header}"

    @classmethod
    def to_asgi_name(cls, header: str) -> str:
        """Turn a header name into its META-style name without the HTTP_ prefix."""
        return header.replace("-", "_").upper()
