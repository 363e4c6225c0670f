"""benchmarks.bench_websocket: every application echoes correctly; the broadcast and e2e rounds run."""

import pytest

from benchmarks import bench_websocket
from benchmarks.apps import websocket_apps
from microdj.test import override_settings


def test_inprocess_rounds_for_every_application(capsys):
    with override_settings(ROOT_URLCONF="benchmarks.apps.websocket_apps"):
        results = bench_websocket.main(["--messages", "50", "--rounds", "1", "--members", "20"])
    assert set(results["inprocess"]) == set(websocket_apps.NAMES)
    assert all(rate > 0 for rate in results["inprocess"].values())
    assert results["broadcast_us_per_member"] > 0
    out = capsys.readouterr().out
    assert "| microdj |" in out and "20 in-memory members" in out


def test_a_wrong_echo_fails_the_round():
    async def wrong(scope, receive, send):
        await receive()
        await send({"type": "websocket.accept"})
        await receive()
        await send({"type": "websocket.send", "text": "not an echo"})

    with pytest.raises(AssertionError, match="wrong echo"):
        bench_websocket.asyncio.run(bench_websocket.echo_round(wrong, "/", 3))


def test_e2e_round_under_uvicorn():
    pytest.importorskip("websockets")
    rates = bench_websocket.measure_e2e(("microdj", "raw"), connections=1, messages=20, rounds=1)
    assert set(rates) == {"microdj", "raw"} and all(rate > 0 for rate in rates.values())


def test_unknown_application():
    with pytest.raises(ValueError, match="Unknown WebSocket benchmark application"):
        websocket_apps.build("nope")
