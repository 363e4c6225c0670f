"""End-to-end benchmark: each application under one uvicorn worker on 127.0.0.1, loaded over real sockets.

The servers (``benchmarks.serve``) and the load generator (``wrk`` when on PATH, else ``benchmarks.loadgen``)
are pinned to different CPUs when the machine has two usable ones. Every scenario is checked with one request,
warmed up, then measured in interleaved rounds of a fixed duration with a fixed number of keep-alive
connections. Servers are always stopped, whatever happens.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from benchmarks.apps import Framework
from benchmarks.scenarios import Scenario

HOST = "127.0.0.1"
DURATION = 2
ROUNDS = 3  # best of: other processes on a small shared machine make single runs noisy
WARMUP = 1
CONNECTIONS = 64
START_TIMEOUT = 60.0


def cpus() -> tuple[int | None, int | None]:
    """The CPUs for the server and the load generator, or (None, None) when they cannot be separated."""
    try:
        usable = sorted(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return None, None
    return (usable[0], usable[1]) if len(usable) >= 2 else (None, None)


def pin_to(cpu: int | None) -> Callable[[], None] | None:
    if cpu is None:
        return None

    def pin() -> None:
        try:
            os.sched_setaffinity(0, {cpu})
        except OSError:  # not allowed here (e.g. a restricted container): run unpinned
            pass

    return pin


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _get(port: int, scenario: Scenario, timeout: float) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        target = scenario.path + ("?" + scenario.query.decode() if scenario.query else "")
        headers = {name.decode(): value.decode("latin-1") for name, value in scenario.headers}
        connection.request(scenario.method, target, body=scenario.body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextmanager
def server(framework: Framework, variant: str, cpu: int | None) -> Iterator[int]:
    """Run ``framework``'s ``variant`` under uvicorn on an ephemeral port; yield the port once it answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, 0))
    listener.listen(2048)
    port = listener.getsockname()[1]
    fd = listener.fileno()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - the server's log, open as long as the server runs
    command = [sys.executable, "-m", "benchmarks.serve", framework.slug, variant, "--fd", str(fd)]
    process = subprocess.Popen(
        command, pass_fds=(fd,), preexec_fn=pin_to(cpu), stdout=log, stderr=subprocess.STDOUT, cwd=Path.cwd()
    )
    listener.close()  # the server holds its own copy of the listening socket
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:  # the socket already listens: the first answer means uvicorn is accepting
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited with {process.returncode}: {log.read().decode()[-2000:]}")
            try:
                _get(port, Scenario("ready", "GET", "/plaintext"), timeout=2.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not answer within {START_TIMEOUT:.0f} s") from None
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _lua_string(data: bytes) -> str:
    return '"' + "".join(f"\\{byte:03d}" for byte in data) + '"'


def _wrk_script(scenario: Scenario, directory: str) -> list[str]:
    if scenario.method == "GET" and not scenario.headers:
        return []
    lines = [f'wrk.method = "{scenario.method}"', f"wrk.body = {_lua_string(scenario.body)}"]
    lines += [f"wrk.headers[{_lua_string(n)}] = {_lua_string(v)}" for n, v in scenario.headers]
    path = Path(directory) / "scenario.lua"
    path.write_text("\n".join(lines) + "\n")
    return ["-s", str(path)]


def _wrk(port: int, scenario: Scenario, seconds: int, connections: int, cpu: int | None) -> dict:
    target = f"http://{HOST}:{port}{scenario.path}" + (
        "?" + scenario.query.decode() if scenario.query else ""
    )
    with tempfile.TemporaryDirectory() as directory:
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"]
        command += [*_wrk_script(scenario, directory), target]
        output = subprocess.run(
            command, preexec_fn=pin_to(cpu), capture_output=True, text=True, timeout=seconds + 30, check=True
        ).stdout
    requests = int(re.search(r"(\d+) requests in", output)[1])
    non_2xx = int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    errors = (
        sum(int(n) for n in m.groups())
        if (m := re.search(r"Socket errors: \D*(\d+)\D*(\d+)\D*(\d+)\D*(\d+)", output))
        else 0
    )
    unexpected = requests - non_2xx if scenario.expect >= 300 else non_2xx
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    return {"requests": requests, "errors": errors, "unexpected": unexpected, "rate": rate}


def _bundled(port: int, scenario: Scenario, seconds: int, connections: int, cpu: int | None) -> dict:
    command = [sys.executable, "-m", "benchmarks.loadgen", str(port), scenario.name]
    command += ["--connections", str(connections), "--duration", str(seconds)]
    output = subprocess.run(
        command, preexec_fn=pin_to(cpu), capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def client_name(choice: str = "auto") -> str:
    """``"wrk"`` or ``"asyncio"``: the load generator ``choice`` resolves to on this machine."""
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "asyncio"
    return choice


def measure(
    frameworks: list[Framework],
    variant: str,
    scenarios: list[Scenario],
    *,
    client: str = "auto",
    duration: int = DURATION,
    warmup: int = WARMUP,
    rounds: int = ROUNDS,
    connections: int = CONNECTIONS,
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Serve every framework's ``variant`` at once (idle but one) and load each with each scenario.

    Per scenario: one checked request and ``warmup`` seconds per framework, then ``rounds`` rounds in which
    every framework in turn gets ``duration`` seconds; each keeps its best round. Interleaving spreads slow
    phases of a shared machine over all frameworks instead of biasing whichever ran then. Returns
    framework name -> scenario -> requests/s, and any problems seen.
    """
    load = _wrk if client_name(client) == "wrk" else _bundled
    server_cpu, client_cpu = cpus()
    rates: dict[str, dict[str, float]] = {}
    problems: list[str] = []
    with ExitStack() as stack:
        ports: dict[str, int] = {}
        slugs = {framework.name: framework.slug for framework in frameworks}
        for framework in frameworks:
            if not any(scenario.runs_on(framework.slug) for scenario in scenarios):
                continue
            try:
                ports[framework.name] = stack.enter_context(server(framework, variant, server_cpu))
            except RuntimeError as exc:
                problems.append(f"{framework.name} (variant {variant or 'base'!r}): {exc}")
                _log(f"  {framework.name} failed to start: {exc}")
        for scenario in scenarios:
            ready = {}
            for name, port in ports.items():
                if not scenario.runs_on(slugs[name]):
                    continue
                try:
                    status, body = _get(port, scenario, timeout=10.0)
                except OSError as exc:
                    problems.append(f"{name}: {scenario.name}: {exc}")
                    continue
                if problem := scenario.check(status, body):
                    problems.append(f"{name}: {problem}")
                    continue
                if warmup:
                    load(port, scenario, warmup, connections, client_cpu)
                ready[name] = port
            for _ in range(rounds):
                for name, port in ready.items():
                    result = load(port, scenario, duration, connections, client_cpu)
                    if result["errors"] or result["unexpected"]:
                        problems.append(
                            f"{name}: {scenario.name}: {result['errors']} socket errors, "
                            f"{result['unexpected']} unexpected statuses in {result['requests']} responses"
                        )
                    best = rates.setdefault(name, {})
                    best[scenario.name] = max(best.get(scenario.name, 0.0), result["rate"])
            line = ", ".join(f"{name} {rates[name][scenario.name]:,.0f}" for name in ready)
            _log(f"  {scenario.name}: {line} req/s")
    return rates, problems
