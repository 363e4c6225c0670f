"""Turn measured rates into ratios, target checks, a Markdown report, a JSON record and a bar chart."""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.scenarios import PARAMS_48, PARAMS_1000, PLAINTEXT, SCENARIOS, TEMPLATE_PAGE

RESULTS = Path(__file__).parent / "results"
Rates = dict[str, dict[str, float]]  # framework display name -> scenario -> requests/s

# (numerator, denominator): microdj's async views against the async peers, its sync views against Django's.
PAIRS = [
    ("microdj", "raw ASGI"),
    ("microdj", "Starlette"),
    ("microdj", "Falcon"),
    ("microdj", "Django (async)"),
    ("microdj (sync)", "Django (sync)"),
]
PACKAGES = ["microdj", "uvicorn", "uvloop", "httptools", "starlette", "falcon", "django", "multipart"]


def _ratio(rates: Rates, scenario: str, ours: str, theirs: str) -> float | None:
    mine, other = rates.get(ours, {}).get(scenario), rates.get(theirs, {}).get(scenario)
    return mine / other if mine and other else None


@dataclass(frozen=True)
class Target:
    """One of issue 6's goals: a measured value compared with a threshold."""

    label: str
    mode: str  # "inprocess" or "e2e"
    threshold: float
    at_least: bool  # True: value >= threshold; False: value <= threshold
    value: Callable[[Rates], float | None]

    def evaluate(self, rates: Rates) -> dict:
        """The value measured in ``rates`` and whether it meets the threshold (None when not measurable)."""
        value = self.value(rates)
        met = (
            None if value is None else (value >= self.threshold if self.at_least else value <= self.threshold)
        )
        sign = ">=" if self.at_least else "<="
        return {"target": self.label, "goal": f"{sign} {self.threshold:g}", "value": value, "met": met}


def _vs(scenario: str, ours: str, theirs: str) -> Callable[[Rates], float | None]:
    return lambda rates: _ratio(rates, scenario, ours, theirs)


def _route_cost(rates: Rates) -> float | None:
    small, large = rates.get("microdj", {}).get(PARAMS_48), rates.get("microdj", {}).get(PARAMS_1000)
    return small / large if small and large else None  # time per request, 1,000 routes / 48 routes


TARGETS = [
    Target("async plaintext / Falcon", "inprocess", 1.2, True, _vs(PLAINTEXT, "microdj", "Falcon")),
    Target("async plaintext / Starlette", "inprocess", 7.0, True, _vs(PLAINTEXT, "microdj", "Starlette")),
    Target("JSON / Falcon", "inprocess", 1.0, True, _vs("json", "microdj", "Falcon")),
    Target("2-param route / Falcon", "inprocess", 1.0, True, _vs(PARAMS_48, "microdj", "Falcon")),
    Target("time per request, 1,000 routes / 48 routes", "inprocess", 1.15, False, _route_cost),
    Target(
        "sync plaintext / Django sync",
        "inprocess",
        10.0,
        True,
        _vs(PLAINTEXT, "microdj (sync)", "Django (sync)"),
    ),
    Target(
        "multipart upload / Falcon",
        "inprocess",
        1.5,
        True,
        _vs("multipart upload (16 KiB)", "microdj", "Falcon"),
    ),
    Target(
        "multipart upload / raw ASGI",
        "inprocess",
        0.6,
        True,
        _vs("multipart upload (16 KiB)", "microdj", "raw ASGI"),
    ),
    Target(
        "urlencoded form / Falcon",
        "inprocess",
        1.0,
        True,
        _vs("urlencoded form (10 fields)", "microdj", "Falcon"),
    ),
    Target("template page / Starlette", "inprocess", 1.3, True, _vs(TEMPLATE_PAGE, "microdj", "Starlette")),
    Target("template page / Django", "inprocess", 5.0, True, _vs(TEMPLATE_PAGE, "microdj", "Django (async)")),
    Target("plaintext / raw ASGI (uvicorn)", "e2e", 0.85, True, _vs(PLAINTEXT, "microdj", "raw ASGI")),
]


def ratios(rates: Rates) -> dict[str, dict[str, float | None]]:
    """``"ours / theirs"`` -> scenario -> ratio of requests/s, for every pair measured."""
    return {
        f"{ours} / {theirs}": {s.name: _ratio(rates, s.name, ours, theirs) for s in SCENARIOS}
        for ours, theirs in PAIRS
        if ours in rates and theirs in rates
    }


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def record(mode: str, rates: Rates, how: str, settings: dict, problems: list[str]) -> dict:
    """The JSON record of one run."""
    return {
        "mode": mode,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "how": how,
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        },
        "versions": _versions(),
        "settings": settings,
        "rates": rates,
        "ratios": ratios(rates),
        "targets": [t.evaluate(rates) for t in TARGETS if t.mode == mode],
        "problems": problems,
    }


def _num(value: float | None, ratio: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}x" if ratio else f"{value:,.0f}"


def markdown(data: dict) -> str:
    """The Markdown report: requests/s, ratios to microdj, targets met or not."""
    rates, names = data["rates"], list(data["rates"])
    scenarios = [s.name for s in SCENARIOS if any(s.name in r for r in rates.values())]
    versions = ", ".join(f"{k} {v}" for k, v in data["versions"].items())
    out = [
        f"### {'In-process' if data['mode'] == 'inprocess' else 'End-to-end'} benchmark ({data['when']})",
        "",
        data["how"],
        "",
        f"Machine: {data['machine']['platform']}, {data['machine']['usable_cpus']} usable CPUs. {versions}.",
        "",
        "Requests per second (higher is better):",
        "",
        "| scenario | " + " | ".join(names) + " |",
        "|---" + "|---:" * len(names) + "|",
    ]
    out += [f"| {s} | " + " | ".join(_num(rates[n].get(s)) for n in names) + " |" for s in scenarios]
    table = data["ratios"]
    if table:
        out += ["", "Ratios of requests/s (above 1.00x: microdj is faster):", ""]
        out += ["| scenario | " + " | ".join(table) + " |", "|---" + "|---:" * len(table) + "|"]
        out += [
            f"| {s} | " + " | ".join(_num(table[p][s], ratio=True) for p in table) + " |" for s in scenarios
        ]
    if data["targets"]:
        out += ["", "Targets (issue 6):", "", "| target | goal | measured | met |", "|---|---|---:|---|"]
        for t in data["targets"]:
            met = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
            out.append(f"| {t['target']} | {t['goal']} | {_num(t['value'], ratio=True)} | {met} |")
    if data["problems"]:
        out += ["", "Problems:", ""] + [f"- {p}" for p in data["problems"]]
    return "\n".join(out) + "\n"


def chart(data: dict, path: Path) -> bool:
    """Draw the ratios as grouped bars (log scale, 1.0 marked) into ``path``; False without matplotlib."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = data["ratios"]
    scenarios = [
        s.name for s in SCENARIOS if any(v is not None for v in (r.get(s.name) for r in table.values()))
    ]
    if not table or not scenarios:
        return False
    width = 0.8 / len(table)
    fig, ax = plt.subplots(figsize=(13, 6), dpi=110)
    for i, (pair, values) in enumerate(table.items()):
        xs = [j + (i - (len(table) - 1) / 2) * width for j in range(len(scenarios))]
        heights = [values.get(s) or 0.0 for s in scenarios]
        bars = ax.bar(xs, heights, width, label=pair)
        for bar, height in zip(bars, heights, strict=True):
            if height:
                digits = 0 if height >= 100 else 1 if height >= 10 else 2
                label = f"{height:.{digits}f}"
                ax.annotate(
                    label, (bar.get_x() + bar.get_width() / 2, height), ha="center", va="bottom", fontsize=6
                )
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_ylabel("requests/s ratio (log scale; > 1: microdj faster)")
    mode = "in-process" if data["mode"] == "inprocess" else "end-to-end (uvicorn)"
    ax.set_title(f"microdj vs peers, {mode}, {data['when']}")
    ax.set_xticks(range(len(scenarios)))
    ax.set_xticklabels([textwrap.fill(s, 16) for s in scenarios], fontsize=8)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(table), frameon=False)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return True


def save(data: dict) -> Path:
    """Write ``results/<mode>.json``, ``.md`` and ``.png``; return the Markdown path."""
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / data["mode"]
    stem.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n")
    stem.with_suffix(".md").write_text(markdown(data))
    chart(data, stem.with_suffix(".png"))
    return stem.with_suffix(".md")


__all__ = ["PAIRS", "TARGETS", "chart", "markdown", "ratios", "record", "save"]
