"""Host validation against ALLOWED_HOSTS, with its bounded cache of verdicts."""

import pytest

from microdj.core.exceptions import DisallowedHost
from microdj.http import hosts


def test_verdict_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(hosts, "_HOST_CACHE_SIZE", 3)
    hosts._host_verdicts.clear()
    for n in range(5):
        with pytest.raises(DisallowedHost):
            hosts.check_host(f"host{n}.example")
    assert len(hosts._host_verdicts) <= 3
    hosts.check_host("testserver")
    hosts._host_verdicts.clear()


def test_allowed_hosts_change_resets_the_cache(monkeypatch):
    from microdj.conf import settings

    hosts.check_host("localhost")
    assert "localhost" in hosts._host_verdicts
    monkeypatch.setattr(settings, "ALLOWED_HOSTS", ["localhost"])
    assert hosts._host_verdicts == {}
