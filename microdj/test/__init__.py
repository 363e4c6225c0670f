"""Testing tools: test client, request factory, test cases, settings overrides, WebsocketCommunicator."""

from microdj.test.client import AsyncClient, AsyncRequestFactory, Client, RequestFactory
from microdj.test.testcases import SimpleTestCase, TestCase, TransactionTestCase
from microdj.test.utils import ignore_warnings, modify_settings, override_settings
from microdj.test.websocket import WebsocketCommunicator

__all__ = [
    "AsyncClient",
    "AsyncRequestFactory",
    "Client",
    "RequestFactory",
    "SimpleTestCase",
    "TestCase",
    "TransactionTestCase",
    "WebsocketCommunicator",
    "ignore_warnings",
    "modify_settings",
    "override_settings",
]
