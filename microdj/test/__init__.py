"""Testing tools: the test client, the request factory, test cases and settings overrides."""

from microdj.test.client import AsyncClient, AsyncRequestFactory, Client, RequestFactory
from microdj.test.testcases import SimpleTestCase, TestCase
from microdj.test.utils import modify_settings, override_settings

__all__ = [
    "AsyncClient",
    "AsyncRequestFactory",
    "Client",
    "RequestFactory",
    "SimpleTestCase",
    "TestCase",
    "modify_settings",
    "override_settings",
]
