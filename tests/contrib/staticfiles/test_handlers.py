"""ASGIStaticFilesHandler: every header case, conditional and Range requests, encodings, traversal -> 404."""

from __future__ import annotations

import asyncio
import gzip
import logging
import os
from typing import Any

import pytest

from microdj.contrib.staticfiles.collect import collectstatic
from microdj.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from microdj.core.exceptions import ImproperlyConfigured
from microdj.test import override_settings
from microdj.utils.http import http_date
from tests.contrib.staticfiles.conftest import JS, MANIFEST
from tests.support.asgi import acall, make_scope


async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The wrapped application: answers everything that is not static."""
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-app", b"1")]})
    await send({"type": "http.response.body", "body": b"app"})


def get(
    app: Any, path: str, *headers: tuple[str, str], method: str = "GET", raw: bytes | None = None
) -> dict[str, Any]:
    pairs = [(b"host", b"testserver")] + [(k.lower().encode(), v.encode("latin-1")) for k, v in headers]
    scope = make_scope(method, path, headers=pairs)
    if raw is not None:
        scope["raw_path"] = raw
    result = asyncio.run(acall(app, scope))
    result["h"] = {k.decode(): v.decode("latin-1") for k, v in result["headers"]}
    return result


@pytest.fixture
def served(tree: dict[str, Any]) -> ASGIStaticFilesHandler:
    collectstatic()
    return ASGIStaticFilesHandler(inner)


def test_plain_file_headers(served, tree):
    result = get(served, "/static/js/app.js")
    assert result["status"] == 200 and result["body"] == JS.encode()
    h = result["h"]
    stat = os.stat(tree["root"] / "js" / "app.js")
    assert h["content-type"] == "text/javascript; charset=utf-8"
    assert h["content-length"] == str(len(JS))
    assert h["etag"] == f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'
    assert h["last-modified"] == http_date(stat.st_mtime)
    assert h["cache-control"] == "max-age=60, public"
    assert h["accept-ranges"] == "bytes"
    assert h["vary"] == "Accept-Encoding"
    assert h["x-content-type-options"] == "nosniff"
    assert h["access-control-allow-origin"] == "*"
    assert "content-encoding" not in h and "content-disposition" not in h


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("css/site.css", "text/css; charset=utf-8"),
        ("img/dot.png", "image/png"),
        ("data.bin", "application/octet-stream"),
    ],
)
def test_content_types(served, name, content_type):
    result = get(served, f"/static/{name}")
    assert result["h"]["content-type"] == content_type
    if name != "css/site.css":
        assert "vary" not in result["h"]  # no compressed twin


def test_gzip_chosen_by_accept_encoding(served, tree):
    plain = (tree["root"] / "js" / "app.js").read_bytes()
    result = get(served, "/static/js/app.js", ("Accept-Encoding", "br;q=1, gzip;q=0.8"))
    assert result["h"]["content-encoding"] == "gzip"
    assert gzip.decompress(result["body"]) == plain
    assert result["h"]["content-type"] == "text/javascript; charset=utf-8"
    assert result["h"]["etag"] != get(served, "/static/js/app.js")["h"]["etag"]
    assert result["h"]["vary"] == "Accept-Encoding"
    for refused in ("gzip;q=0", "identity", "gzip;q=bad"):
        assert "content-encoding" not in get(served, "/static/js/app.js", ("Accept-Encoding", refused))["h"]


def test_brotli_preferred_when_present(served, tree):
    twin = tree["root"] / "js" / "app.js.br"
    twin.write_bytes(b"brotli-bytes")
    app = ASGIStaticFilesHandler(inner)
    result = get(app, "/static/js/app.js", ("Accept-Encoding", "gzip, br"))
    assert result["h"]["content-encoding"] == "br" and result["body"] == b"brotli-bytes"
    assert get(app, "/static/js/app.js", ("Accept-Encoding", "gzip"))["h"]["content-encoding"] == "gzip"


def test_conditional_requests_304(served):
    first = get(served, "/static/js/app.js")
    etag, modified = first["h"]["etag"], first["h"]["last-modified"]
    by_etag = get(served, "/static/js/app.js", ("If-None-Match", etag))
    assert by_etag["status"] == 304 and by_etag["body"] == b""
    assert by_etag["h"]["etag"] == etag and by_etag["h"]["cache-control"] == "max-age=60, public"
    assert "content-length" not in by_etag["h"] and "content-type" not in by_etag["h"]
    assert get(served, "/static/js/app.js", ("If-None-Match", '"other", ' + etag))["status"] == 304
    assert get(served, "/static/js/app.js", ("If-None-Match", '"other"'))["status"] == 200
    assert get(served, "/static/js/app.js", ("If-Modified-Since", modified))["status"] == 304
    assert get(served, "/static/js/app.js", ("If-Modified-Since", http_date(0)))["status"] == 200


def test_range_requests(served, tree):
    data = (tree["root"] / "data.bin").read_bytes()
    part = get(served, "/static/data.bin", ("Range", "bytes=10-19"))
    assert part["status"] == 206 and part["body"] == data[10:20]
    assert part["h"]["content-range"] == f"bytes 10-19/{len(data)}" and part["h"]["content-length"] == "10"
    suffix = get(served, "/static/data.bin", ("Range", "bytes=-5"))
    assert suffix["body"] == data[-5:]
    multi = get(served, "/static/data.bin", ("Range", "bytes=0-1,100-101"))
    assert multi["status"] == 206 and multi["h"]["content-type"].startswith("multipart/byteranges; boundary=")
    unsatisfiable = get(served, "/static/data.bin", ("Range", f"bytes={len(data)}-"))
    assert unsatisfiable["status"] == 416 and unsatisfiable["h"]["content-range"] == f"bytes */{len(data)}"
    etag = part["h"]["etag"]
    assert get(served, "/static/data.bin", ("Range", "bytes=0-0"), ("If-Range", etag))["status"] == 206
    stale = get(served, "/static/data.bin", ("Range", "bytes=0-0"), ("If-Range", '"old"'))
    assert stale["status"] == 200 and stale["body"] == data


def test_range_gets_the_plain_file_even_with_accept_encoding(served, tree):
    result = get(served, "/static/js/app.js", ("Range", "bytes=0-6"), ("Accept-Encoding", "gzip"))
    assert result["status"] == 206 and result["body"] == JS.encode()[:7]
    assert "content-encoding" not in result["h"]


def test_head_and_other_methods(served):
    head = get(served, "/static/js/app.js", method="HEAD")
    assert head["status"] == 200 and head["body"] == b"" and head["h"]["content-length"] == str(len(JS))
    post = get(served, "/static/js/app.js", method="POST")
    assert post["status"] == 405 and post["h"]["allow"] == "GET, HEAD"


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/static/../secret.txt", None),
        ("/static/css/../../secret.txt", None),
        ("/static/../secret.txt", b"/static/%2e%2e/secret.txt"),
        ("/static/%2e%2e/secret.txt", None),  # a server that does not decode: no such file
        ("/static/..%2fsecret.txt", None),
        ("/static/css\\..\\..\\secret.txt", None),
        ("/static/js/app.js\x00.png", None),
        ("/static//etc/passwd", None),
        ("/static/link.txt", None),  # a symlink out of the root
        ("/static/css", None),
        ("/static/css/", None),
        ("/static/", None),
        ("/static/nope.css", None),
        ("/static/js/app.js.gz", None),  # twins are served for their original only
    ],
)
@pytest.mark.parametrize("mode", ["collected", "finders"])
def test_refused_and_missing_names_are_404(tree, path, raw, mode):
    collectstatic()
    os.symlink(tree["secret"], tree["root"] / "link.txt")
    app = ASGIStaticFilesHandler(inner, use_finders=mode == "finders")
    result = get(app, path, raw=raw)
    assert result["status"] == 404, result
    assert b"secret" not in result["body"] and result["body"] == b"Not Found"


def test_other_paths_and_scopes_go_to_the_application(served):
    assert get(served, "/elsewhere/")["body"] == b"app"
    assert get(served, "/staticfile")["body"] == b"app"

    async def lifespan() -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "lifespan.startup"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await served({"type": "lifespan"}, receive, send)
        return sent

    assert asyncio.run(lifespan()) == [{"type": "lifespan.startup.complete"}]


def test_hashed_names_are_immutable(tree):
    with override_settings(STORAGES=MANIFEST):
        paths = collectstatic().hashed
        app = ASGIStaticFilesHandler(inner)
    hashed = get(app, "/static/" + paths["css/site.css"])
    assert hashed["status"] == 200
    assert hashed["h"]["cache-control"] == "max-age=31536000, public, immutable"
    assert get(app, "/static/css/site.css")["h"]["cache-control"] == "max-age=60, public"


def test_name_pattern_marks_hashed_names_without_a_manifest(tree):
    (tree["source"] / "lib.0123456789ab.js").write_text("x")
    collectstatic()
    app = ASGIStaticFilesHandler(inner)
    assert "immutable" in get(app, "/static/lib.0123456789ab.js")["h"]["cache-control"]


def test_debug_serves_the_source_folders_and_sees_new_files(tree):
    with override_settings(DEBUG=True):
        app = ASGIStaticFilesHandler(inner)
        assert get(app, "/static/js/app.js")["h"]["cache-control"] == "max-age=0, public"
        (tree["source"] / "new.css").write_text("new")
        assert get(app, "/static/new.css")["body"] == b"new"
    with override_settings(STATIC_MAX_AGE=3600):
        app = ASGIStaticFilesHandler(inner, use_finders=True)
        assert get(app, "/static/js/app.js")["h"]["cache-control"] == "max-age=3600, public"


def test_collected_index_is_built_once(served, tree):
    (tree["root"] / "late.css").write_text("late")
    assert get(served, "/static/late.css")["status"] == 404
    assert get(ASGIStaticFilesHandler(inner, autorefresh=True), "/static/late.css")["status"] == 200


def test_file_gone_after_indexing_is_404(served, tree):
    os.remove(tree["root"] / "data.bin")
    assert get(served, "/static/data.bin")["status"] == 404


def test_static_url_is_required(tree):
    with override_settings(STATIC_URL=None), pytest.raises(ImproperlyConfigured, match="STATIC_URL"):
        ASGIStaticFilesHandler(inner)
    with override_settings(STATIC_URL="https://cdn.example/assets"):
        assert ASGIStaticFilesHandler(inner, use_finders=True).base_path == "/assets/"


def test_prefixed_source_folders_and_unreadable_files(tree, tmp_path):
    from microdj.contrib.staticfiles.serve import StaticFileServer

    vendor = tmp_path / "vendor"
    vendor.mkdir()
    (vendor / "lib.js").write_text("lib")
    (vendor / "locked.js").write_text("locked")
    os.chmod(vendor / "locked.js", 0)
    server = StaticFileServer([("vendor", str(vendor))], autorefresh=True)
    assert server.find("vendor/lib.js") is not None
    assert server.find("lib.js") is None and server.find("../x") is None
    indexed = StaticFileServer([("vendor", str(vendor))])
    assert sorted(indexed.index) == ["vendor/lib.js", "vendor/locked.js"]

    class Request:
        method = "GET"
        META: dict[str, str] = {}

    if os.geteuid() != 0:  # root reads any file
        assert indexed.respond(Request(), "vendor/locked.js").status_code == 404
    os.chmod(vendor / "locked.js", 0o644)


def test_a_file_whose_stat_fails_is_not_served(tree, monkeypatch):
    from microdj.contrib.staticfiles import serve

    collectstatic()
    real_stat = os.stat

    def failing_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith("data.bin"):
            raise OSError("gone")
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(serve.os, "stat", failing_stat)
    assert serve._variant(str(tree["root"] / "data.bin")) is None
    app = ASGIStaticFilesHandler(inner, autorefresh=True)
    assert get(app, "/static/data.bin")["status"] == 404


def test_a_file_that_cannot_be_opened_is_404(served, monkeypatch):
    from microdj.contrib.staticfiles import serve

    def failing_open(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError("denied")

    monkeypatch.setattr(serve, "open", failing_open, raising=False)
    assert get(served, "/static/js/app.js")["status"] == 404


def test_a_missing_static_root_is_said_at_start_up(tree, caplog):
    with caplog.at_level(logging.WARNING, "microdj.staticfiles"):
        app = ASGIStaticFilesHandler(inner)
    assert "No static files folder at" in caplog.text and str(tree["root"]) in caplog.text
    assert get(app, "/static/js/app.js")["status"] == 404
