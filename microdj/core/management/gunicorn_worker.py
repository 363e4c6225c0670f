"""The gunicorn worker ``serve --server gunicorn`` uses: uvicorn's, with proxy headers off.

uvicorn-worker trusts ``X-Forwarded-*`` from the addresses in ``--forwarded-allow-ips`` by default; ``serve``
trusts them only when given ``--proxy-headers``, and then uses the stock worker.
"""

from __future__ import annotations

from typing import Any

from uvicorn_worker import UvicornWorker  # type: ignore[import-untyped,import-not-found,unused-ignore]


class NoProxyHeadersWorker(UvicornWorker):  # type: ignore[misc,unused-ignore]
    """uvicorn's gunicorn worker, ignoring ``X-Forwarded-For`` and ``X-Forwarded-Proto``."""

    CONFIG_KWARGS: dict[str, Any] = {**UvicornWorker.CONFIG_KWARGS, "proxy_headers": False}
