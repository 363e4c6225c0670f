"""``make bench``: run every application's in-process benchmark in its own process and print a table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

APPS = {
    "raw ASGI": "benchmarks.apps.raw:application",
    "microdj": "benchmarks.apps.microdj_app:application",
}
RESULTS = Path(__file__).parent / "results"


def run(target: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.inprocess", target], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def table(results: dict[str, dict[str, float]]) -> str:
    names = list(results)
    scenarios = list(next(iter(results.values())))
    lines = [
        "| scenario | " + " | ".join(f"{n} (req/s)" for n in names) + " | microdj / raw |",
        "|---" * (len(names) + 2) + "|",
    ]
    for scenario in scenarios:
        rates = [results[n].get(scenario, 0.0) for n in names]
        raw = results.get("raw ASGI", {}).get(scenario) or 0.0
        ours = results.get("microdj", {}).get(scenario) or 0.0
        ratio = f"{ours / raw:.2f}x" if raw else "-"
        lines.append(f"| {scenario} | " + " | ".join(f"{r:,.0f}" for r in rates) + f" | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    results = {name: run(target) for name, target in APPS.items()}
    text = table(results)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "inprocess.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "inprocess.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
