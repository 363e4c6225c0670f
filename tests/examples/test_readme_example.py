"""The README's example, as written (myapp.py and mysettings.py), under a real uvicorn on 127.0.0.1."""

import os
import re
import subprocess
import sys
import unittest
from pathlib import Path

import httpx
import pytest

from microdj.test import override_settings
from tests.load.load_servers import listening_socket, stop, wait_until_ready

ROOT = Path(__file__).resolve().parents[2]


def readme_block(first_line: str) -> str:
    """The README's Python code block that starts with ``first_line``."""
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    (block,) = [b for b in blocks if b.startswith(first_line)]
    return block


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    (folder / "myapp.py").write_text(readme_block("# myapp.py"))
    (folder / "mysettings.py").write_text(readme_block("# mysettings.py"))
    sock = listening_socket()
    port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}", "MICRODJ_SETTINGS_MODULE": "mysettings"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "myapp:application",
            "--fd",
            str(sock.fileno()),
            "--log-level",
            "warning",
        ],
        cwd=folder,
        env=env,
        pass_fds=[sock.fileno()],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_ready(process, f"http://127.0.0.1:{port}", timeout=20)
        yield port
    finally:
        stop(process)
        sock.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "app.localhost"])
def test_the_example_answers_200_on_local_hosts(server, host):
    response = httpx.get(
        f"http://127.0.0.1:{server}/posts/1/?q=x", headers={"Host": f"{host}:{server}"}, timeout=5
    )
    assert response.status_code == 200
    assert response.json() == {"id": 1, "q": "x"}
    index = httpx.get(f"http://127.0.0.1:{server}/", timeout=5)
    assert (index.status_code, index.text) == (200, "See /posts/1/")


def test_another_host_gets_400_saying_why(server):
    response = httpx.get(f"http://127.0.0.1:{server}/", headers={"Host": "example.com"}, timeout=5)
    assert response.status_code == 400
    assert "Invalid HTTP_HOST header: &#x27;example.com&#x27;" in response.text
    assert "You may need to add &#x27;example.com&#x27; to ALLOWED_HOSTS." in response.text


def test_the_readme_test_case_passes_against_the_example(tmp_path, monkeypatch):
    (tmp_path / "myapp.py").write_text(readme_block("# myapp.py"))
    monkeypatch.syspath_prepend(str(tmp_path))
    namespace: dict = {}
    exec(compile(readme_block("from microdj.test import SimpleTestCase"), "README.md", "exec"), namespace)  # noqa: S102
    result = unittest.TestResult()
    with override_settings(ROOT_URLCONF="myapp"):
        unittest.defaultTestLoader.loadTestsFromTestCase(namespace["PostTests"]).run(result)
    assert result.testsRun == 2
    assert result.failures == result.errors == []
