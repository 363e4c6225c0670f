"""Testing tools: the test client, the request factory and ``override_settings``."""

from microdj.test.client import AsyncClient, AsyncRequestFactory, Client, RequestFactory
from microdj.test.utils import override_settings

__all__ = ["AsyncClient", "AsyncRequestFactory", "Client", "RequestFactory", "override_settings"]
