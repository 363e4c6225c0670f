"""The gunicorn worker of serve: uvicorn's, with proxy headers off."""

import pytest

pytest.importorskip("uvicorn_worker", reason="uvicorn-worker is not installed (the gunicorn extra)")

from uvicorn_worker import UvicornWorker

from microdj.core.management.gunicorn_worker import NoProxyHeadersWorker


def test_proxy_headers_off():
    assert issubclass(NoProxyHeadersWorker, UvicornWorker)
    assert NoProxyHeadersWorker.CONFIG_KWARGS["proxy_headers"] is False
    assert NoProxyHeadersWorker.CONFIG_KWARGS["loop"] == UvicornWorker.CONFIG_KWARGS["loop"]
