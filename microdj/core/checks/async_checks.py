"""``async.E001``: the async-safety check must stay on in deployment."""

from __future__ import annotations

import os
from typing import Any

from microdj.core.checks.messages import CheckMessage, Error
from microdj.core.checks.registry import Tags, register
from microdj.utils.asyncio import ALLOW_ASYNC_UNSAFE_ENV

E001 = Error(
    f"The {ALLOW_ASYNC_UNSAFE_ENV} environment variable is set. It turns off the async-safety check of "
    "functions marked async_unsafe; never set it in deployment.",
    hint=f"Unset {ALLOW_ASYNC_UNSAFE_ENV} in the server's environment.",
    id="async.E001",
)


@register(Tags.async_support, deploy=True)
def check_async_unsafe(**kwargs: Any) -> list[CheckMessage]:
    """async.E001."""
    return [E001] if os.environ.get(ALLOW_ASYNC_UNSAFE_ENV) else []
