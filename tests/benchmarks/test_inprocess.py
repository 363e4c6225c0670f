"""The interleaved in-process measurement: worker processes answer rounds; failures become problems."""

from benchmarks import inprocess
from benchmarks.scenarios import BY_NAME, PARAMS_1000, PLAINTEXT


def test_measure_takes_every_scenario_of_every_variant_in_rounds():
    scenarios = [BY_NAME[PLAINTEXT], BY_NAME[PARAMS_1000]]
    rates, problems = inprocess.measure([("raw ASGI", "raw")], scenarios, passes=1, slices=2)
    assert problems == []
    assert set(rates["raw ASGI"]) == {PLAINTEXT, PARAMS_1000}
    assert all(rate > 0 for rate in rates["raw ASGI"].values())


def test_a_worker_that_cannot_start_is_a_problem_not_a_rate():
    rates, problems = inprocess.measure([("broken", "no-such-framework")], [BY_NAME[PLAINTEXT]], passes=1)
    assert rates == {"broken": {}}
    assert len(problems) == 1 and "start-up" in problems[0]
