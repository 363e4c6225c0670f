"""Every benchmark application answers every scenario as expected (one request each, no timing).

Each application is built in a child process: the microdj and Django apps configure global settings, which
must not leak into the test process.
"""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.apps import FRAMEWORKS
from benchmarks.loadgen import read_response, request_bytes
from benchmarks.scenarios import BY_NAME, SCENARIOS, VARIANTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda f: f.slug)
def test_every_scenario_answers_as_expected(framework):
    if not framework.installed:
        pytest.skip(f"{', '.join(framework.requires)} not installed (the bench extra)")
    children = {
        variant: subprocess.Popen(
            [sys.executable, "-m", "benchmarks.inprocess", framework.slug, variant, "--check"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for variant in VARIANTS
    }
    checks = {}
    for child in children.values():
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        checks.update(json.loads(out.strip().splitlines()[-1])["checks"])
    assert checks == {scenario.name: None for scenario in SCENARIOS if scenario.runs_on(framework.slug)}


def test_page_scenarios_check_a_part_of_the_body_and_the_length():
    page, small = BY_NAME["template page (10 vars, 20 rows)"], BY_NAME["static file (16 KiB)"]
    assert page.check(200, b"..." + page.contains + b"...") is None
    assert "expected" in page.check(200, b"<html></html>")
    assert small.check(200, bytes(16 * 1024)) is None
    assert "16384 bytes" in small.check(200, b"short")
    assert page.runs_on("starlette") and not page.runs_on("falcon") and BY_NAME["plaintext"].runs_on("falcon")


def test_scenario_check_rejects_wrong_answers():
    plaintext, params, missing = BY_NAME["plaintext"], BY_NAME["2-param route (48 before)"], BY_NAME["404"]
    assert plaintext.check(200, b"Hello, world!") is None
    assert "status" in plaintext.check(500, b"Hello, world!")
    assert "body" in plaintext.check(200, b"Hello")
    assert params.check(200, b'{"group":"books","item":42}') is None
    assert "JSON" in params.check(200, b'{"group": "books", "item": "42"}')
    assert "JSON" in params.check(200, b"not json")
    assert missing.check(404, b"anything") is None


def _parse(raw: bytes):
    async def go():
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        return await read_response(reader), await reader.read()

    return asyncio.run(go())


def test_bundled_client_reads_sized_chunked_and_closing_responses():
    sized = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhelloNEXT"
    assert _parse(sized) == ((200, b"hello", True), b"NEXT")
    chunked = (
        b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
    )
    assert _parse(chunked) == ((404, b"abcde", True), b"")
    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil eof"
    assert _parse(closing) == ((200, b"until eof", False), b"")


def test_bundled_client_request_bytes():
    form = BY_NAME["urlencoded form (10 fields)"]
    raw = request_bytes(form, 8000)
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"POST /form HTTP/1.1"
    assert b"Host: 127.0.0.1:8000" in head and f"Content-Length: {len(form.body)}".encode() in head
    assert body == form.body
    assert request_bytes(BY_NAME["query string"], 1).startswith(b"GET /query?a=1&b=two&")
