"""Server helpers: binding with a clear error, the project's application, the log configuration."""

import errno
import socket

import pytest

from microdj.core.management.base import CommandError
from microdj.core.management.servers import bind_socket, display_url, load_application, log_config, where


def test_bind_and_refuse_a_taken_port():
    sock = bind_socket("127.0.0.1", 0)
    try:
        sock.listen()
        assert sock.get_inheritable()
        port = sock.getsockname()[1]
        with pytest.raises(CommandError, match=rf"^That port is already in use. \(127.0.0.1:{port}\)$"):
            bind_socket("127.0.0.1", port)
    finally:
        sock.close()


def test_other_bind_errors(monkeypatch):
    def refuse(self, address):
        raise OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address")

    monkeypatch.setattr(socket.socket, "bind", refuse)
    with pytest.raises(CommandError, match="That IP address can't be assigned to."):
        bind_socket("10.254.254.254", 80)

    def odd(self, address):
        raise OSError(errno.ENOBUFS, "No buffer space available")

    monkeypatch.setattr(socket.socket, "bind", odd)
    with pytest.raises(CommandError, match="No buffer space available"):
        bind_socket("::1", 80)


def test_display_url():
    assert display_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert display_url("::1", 8000) == "http://[::1]:8000/"


def test_load_application(override):
    from microdj.core.handlers.asgi import ASGIHandler

    assert isinstance(load_application(), ASGIHandler)
    assert load_application("tests.core.guard_app:application") is not None
    override(ASGI_APPLICATION="tests.core.guard_app.application")
    assert load_application() is not None
    override(ASGI_APPLICATION="tests.core.nowhere.application")
    with pytest.raises(CommandError, match="ASGI_APPLICATION setting names 'tests.core.nowhere.application'"):
        load_application()
    with pytest.raises(ImportError):
        load_application("tests.core.nowhere:app")


def test_where_names_the_innermost_frame():
    try:
        {}["x"]
    except KeyError as error:
        assert where(error).endswith("test_servers.py:" + str(error.__traceback__.tb_lineno))
    assert where(KeyError("never raised")) == ""


def test_log_config_hides_uvicorn_chatter():
    config = log_config()
    assert config["loggers"]["uvicorn.error"]["level"] == "WARNING"
    assert config["loggers"]["uvicorn.access"]["level"] == "INFO"
    assert log_config(access_log=False)["loggers"]["uvicorn.access"]["level"] == "WARNING"
