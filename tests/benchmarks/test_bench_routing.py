"""benchmarks.bench_routing: resolve() timed for each table size and case, in interleaved rounds."""

from benchmarks import bench_routing


def test_cases_resolve_a_static_route_a_dynamic_one_and_a_miss():
    static, dynamic, missed = bench_routing.cases(10)
    assert static().url_name == "static-4"
    assert dynamic().kwargs == {"pk": 42, "slug": "hello-world"}
    assert missed() is None  # the Resolver404 is swallowed


def test_measure_gives_a_time_per_call_for_every_size_and_case():
    times = bench_routing.measure(sizes=(10, 20), number=5, rounds=2)
    assert sorted(times) == [10, 20]
    assert all(len(row) == 3 and all(0 < t < 10_000 for t in row) for row in times.values())


def test_main_prints_one_line_per_table_size(capsys):
    bench_routing.main(sizes=(10,), number=5, rounds=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[0] == "routes" and lines[1].split()[0] == "10" and len(lines) == 2
