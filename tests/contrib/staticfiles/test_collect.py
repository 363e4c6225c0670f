"""collectstatic(): copying, re-runs, clear, dry runs, hashed names with CSS references, compression."""

import gzip
import json
import os
import sys
import types

from microdj.contrib.staticfiles.collect import collectstatic
from microdj.contrib.staticfiles.storage import ManifestStaticFilesStorage, staticfiles_storage
from microdj.test import override_settings
from tests.contrib.staticfiles.conftest import CSS, MANIFEST


def test_copies_then_leaves_unchanged_files_alone(tree):
    root = tree["root"]
    result = collectstatic()
    assert result.copied == ["data.bin", "css/extra.css", "css/site.css", "img/dot.png", "js/app.js"]
    assert (root / "css" / "site.css").read_text() == CSS
    assert not (root / "link.txt").exists() and not (root / ".hidden").exists()
    assert sorted(result.compressed) == ["css/site.css.gz", "js/app.js.gz"]  # extra.css is too small
    assert gzip.decompress((root / "js" / "app.js.gz").read_bytes()) == (root / "js" / "app.js").read_bytes()
    assert result.hashed == {} and result.manifest is None
    assert result.summary() == f"5 static files copied to '{root}', 2 compressed."
    again = collectstatic(compress=False)
    assert again.copied == [] and len(again.unmodified) == 5 and again.compressed == []
    assert "0 static files copied" in again.summary() and "5 unmodified" in again.summary()
    (tree["source"] / "js" / "app.js").write_text("changed();\n")
    os.utime(tree["source"] / "js" / "app.js", (2e9, 2e9))
    assert collectstatic(compress=False).copied == ["js/app.js"]


def test_dry_run_and_clear(tree):
    root = tree["root"]
    dry = collectstatic(dry_run=True)
    assert len(dry.copied) == 5 and dry.dry_run and not root.exists()
    assert "would be copied" in dry.summary()
    collectstatic()
    (root / "stale.txt").write_text("old")
    (root / "old").mkdir()
    (root / "old" / "x.css").write_text("old")
    planned = collectstatic(clear=True, dry_run=True)
    assert "stale.txt" in planned.deleted and (root / "stale.txt").exists()
    cleared = collectstatic(clear=True)
    assert "stale.txt" in cleared.deleted and "old/x.css" in cleared.deleted
    assert not (root / "stale.txt").exists() and not (root / "old").exists()
    assert len(cleared.copied) == 5


def test_manifest_hashes_names_and_rewrites_css(tree):
    root = tree["root"]
    with override_settings(STORAGES=MANIFEST):
        result = collectstatic()
        paths = result.hashed
        assert set(paths) == {"data.bin", "css/extra.css", "css/site.css", "img/dot.png", "js/app.js"}
        site = paths["css/site.css"]
        assert (
            site.startswith("css/site.") and site.endswith(".css") and len(site) == len("css/site.css") + 13
        )
        rewritten = (root / site).read_text()
        assert f"url('../{paths['img/dot.png']}')" in rewritten
        assert f"@import '{paths['css/extra.css'].split('/')[1]}'" in rewritten
        assert (root / "css" / "site.css").read_text() == CSS  # the original name keeps the original text
        manifest = json.loads((root / "staticfiles.json").read_text())
        assert manifest["paths"] == paths and manifest["version"] == "1.1" and result.manifest
        assert f"{site}.gz" in result.compressed
        assert "post-processed" in result.summary()
        assert staticfiles_storage.url("css/site.css") == f"/static/{site}"
        # Same content, same names: a second run changes nothing.
        assert collectstatic().hashed == paths


def test_css_references_left_alone(tree):
    (tree["source"] / "css" / "site.css").write_text(
        "a{background:url(data:image/png;base64,AAA)}b{background:url(https://x.example/y.png)}"
        "c{background:url('#frag')}d{background:url(/abs.png)}e{background:url(missing.png)}"
        'f{background:url("../img/dot.png?v=1#x")}' * 5
    )
    with override_settings(STORAGES=MANIFEST):
        paths = collectstatic().hashed
    text = (tree["root"] / paths["css/site.css"]).read_text()
    for kept in (
        "data:image/png;base64,AAA",
        "https://x.example/y.png",
        "'#frag'",
        "/abs.png",
        "missing.png",
    ):
        assert kept in text
    assert f'url("../{paths["img/dot.png"]}?v=1#x")' in text


def test_brotli_twins_when_brotli_is_installed(tree, monkeypatch):
    fake = types.ModuleType("brotli")
    fake.compress = lambda data: b"br" + data[:10]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "brotli", fake)
    result = collectstatic(storage=ManifestStaticFilesStorage())
    assert "js/app.js.br" in result.compressed
    assert (tree["root"] / "js" / "app.js.br").read_bytes().startswith(b"br")
