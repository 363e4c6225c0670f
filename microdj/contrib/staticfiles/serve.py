"""Answering a request for a static file: lookup, representation choice and the response's headers.

The response is a ``FileResponse``, so conditional requests (``If-None-Match``/``If-Modified-Since`` ->
304) and ``Range`` (206, 416) are answered by microdj's own file-response code, and the body is read in
chunks in worker threads. On top of it:

- ``ETag`` (``"<mtime>-<size>"`` of the file sent) and ``Last-Modified``;
- a ``.br``/``.gz`` twin sent with ``Content-Encoding`` when ``Accept-Encoding`` allows it (``Vary:
  Accept-Encoding`` whenever twins exist; a ``Range`` request gets the plain file);
- ``Cache-Control: max-age=31536000, public, immutable`` for content-hashed names, a short ``max-age``
  otherwise (``STATIC_MAX_AGE``);
- ``Content-Type`` from the extension (text types with ``charset=utf-8``), ``X-Content-Type-Options:
  nosniff`` and ``Access-Control-Allow-Origin: *`` (fonts and modules load across origins);
- names that could leave the folder (``..``, backslashes, NUL, absolute paths, symlinks pointing outside)
  are answered 404, as are files that do not exist.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from microdj.contrib.staticfiles.utils import clean_name, inside
from microdj.http.response import FileResponse, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from microdj.utils.http import http_date

__all__ = ["IMMUTABLE_MAX_AGE", "StaticFile", "StaticFileResponse", "StaticFileServer", "content_type_for"]

logger = logging.getLogger("microdj.staticfiles")

IMMUTABLE_MAX_AGE = 31536000
#: A content-hashed name: ``name.<12 hex digits>.ext`` (as collectstatic writes them).
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[^/.]+$")
_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".map": "application/json",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ico": "image/x-icon",
    ".avif": "image/avif",
    ".webp": "image/webp",
}
_CHARSET_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
)
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def content_type_for(name: str) -> str:
    """The Content-Type of a file called ``name`` (``charset=utf-8`` for text)."""
    ext = posixpath.splitext(name)[1].lower()
    content_type = _TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type.startswith(_CHARSET_TYPES):
        content_type += "; charset=utf-8"
    return content_type


@dataclass(frozen=True)
class Variant:
    """One file on disk that can be sent for a name: the plain file or a compressed twin."""

    path: str
    size: int
    etag: str
    encoding: str | None = None


def _variant(path: str, encoding: str | None = None) -> Variant | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return Variant(path, info.st_size, f'"{int(info.st_mtime):x}-{info.st_size:x}"', encoding)


@dataclass(frozen=True)
class StaticFile:
    """A static file as served: its variants and the headers every answer for it shares."""

    name: str
    plain: Variant
    compressed: tuple[Variant, ...]
    headers: tuple[tuple[str, str], ...]

    def choose(self, accept_encoding: str, ranged: bool) -> Variant:
        """The variant to send for this ``Accept-Encoding`` (the plain file for a ``Range`` request)."""
        if ranged or not self.compressed or not accept_encoding:
            return self.plain
        accepted = accepted_encodings(accept_encoding)
        for variant in self.compressed:
            if variant.encoding in accepted:
                return variant
        return self.plain


def accepted_encodings(header: str) -> set[str]:
    """The codings an ``Accept-Encoding`` value accepts (``q=0`` excluded)."""
    accepted = set()
    for item in header.split(","):
        token, _, params = item.partition(";")
        token = token.strip().lower()
        quality = params.strip().lower()
        if quality.startswith("q="):
            try:
                if float(quality[2:]) <= 0:
                    continue
            except ValueError:
                continue
        if token:
            accepted.add(token)
    return accepted


class StaticFileResponse(FileResponse):
    """A ``FileResponse`` read in 64 KiB blocks."""

    block_size = 64 * 1024


class StaticFileServer:
    """Static files from folders (``(prefix, folder)`` pairs, first match wins), answered as described above.

    With ``autorefresh`` off the folders are indexed once, here (start-up): a request then costs a dict
    lookup, and only the indexed names can ever be served. With it on (development) each request looks on
    disk, so new and edited files are seen.
    """

    def __init__(
        self,
        locations: Iterable[tuple[str, str]],
        *,
        autorefresh: bool = False,
        max_age: int = 60,
        immutable: Callable[[str], bool] | None = None,
    ) -> None:
        self.locations = [(prefix.strip("/"), os.path.abspath(root)) for prefix, root in locations]
        self.autorefresh = autorefresh
        self.max_age = max_age
        self.is_immutable = immutable or (lambda name: HASHED_NAME.search(name) is not None)
        self.index: dict[str, StaticFile] = {}
        if not autorefresh:
            self.index = self._build_index()

    def _build_index(self) -> dict[str, StaticFile]:
        index: dict[str, StaticFile] = {}
        for prefix, root in self.locations:
            if not os.path.isdir(root):
                logger.warning("No static files folder at %s (run collectstatic() first?)", root)
            for directory, subdirs, files in os.walk(root):
                subdirs.sort()
                for filename in sorted(files):
                    if filename.endswith((".gz", ".br")) and os.path.exists(
                        os.path.join(directory, filename[:-3])
                    ):
                        continue  # a compressed twin, served for its original
                    relative = os.path.relpath(os.path.join(directory, filename), root).replace(os.sep, "/")
                    name = f"{prefix}/{relative}" if prefix else relative
                    if name not in index:
                        found = self._load(root, relative, name)
                        if found is not None:
                            index[name] = found
        return index

    def _load(self, root: str, relative: str, name: str) -> StaticFile | None:
        path = os.path.join(root, *relative.split("/"))
        if not os.path.isfile(path) or not inside(root, path):
            return None
        plain = _variant(path)
        if plain is None:
            return None
        compressed = []
        for encoding, suffix in ENCODINGS:
            twin = path + suffix
            if os.path.isfile(twin) and inside(root, twin):
                variant = _variant(twin, encoding)
                if variant is not None:
                    compressed.append(variant)
        mtime = os.stat(path).st_mtime
        cache = (
            f"max-age={IMMUTABLE_MAX_AGE}, public, immutable"
            if self.is_immutable(name)
            else f"max-age={self.max_age}, public"
        )
        headers = [
            ("Last-Modified", http_date(mtime)),
            ("Cache-Control", cache),
            ("X-Content-Type-Options", "nosniff"),
            ("Access-Control-Allow-Origin", "*"),
        ]
        if compressed:
            headers.append(("Vary", "Accept-Encoding"))
        return StaticFile(name, plain, tuple(compressed), tuple(headers))

    def find(self, name: str) -> StaticFile | None:
        """The static file served as ``name``, or None (also for every refused name)."""
        if not self.autorefresh:
            return self.index.get(name)
        safe = clean_name(name)
        if safe is None:
            return None
        for prefix, root in self.locations:
            relative = safe
            if prefix:
                if not safe.startswith(prefix + "/"):
                    continue
                relative = safe[len(prefix) + 1 :]
            found = self._load(root, relative, safe)
            if found is not None:
                return found
        return None

    def respond(self, request: Any, name: str) -> HttpResponseBase:
        """The response to ``request`` for static file ``name`` (opens the file: call it off the loop)."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        found = self.find(name)
        if found is None:
            return HttpResponse(b"Not Found", status=404, content_type="text/plain; charset=utf-8")
        meta = request.META
        variant = found.choose(meta.get("HTTP_ACCEPT_ENCODING", ""), ranged=bool(meta.get("HTTP_RANGE")))
        try:
            file = open(variant.path, "rb")  # noqa: SIM115 - the response closes it
        except OSError:
            return HttpResponse(b"Not Found", status=404, content_type="text/plain; charset=utf-8")
        response = StaticFileResponse(file, content_type=content_type_for(found.name))
        headers = response.headers
        headers.pop("Content-Disposition", None)
        headers["ETag"] = variant.etag
        for header, value in found.headers:
            headers[header] = value
        if variant.encoding is not None:
            headers["Content-Encoding"] = variant.encoding
        return response
