"""benchmarks.profiling: a cProfile of one framework on one scenario, or an unprofiled run for a sampler."""

from benchmarks import profiling


def test_profile_prints_the_heaviest_functions(capsys):
    profiling.main(["raw", "plaintext", "--requests", "50", "--top", "3"])
    out = capsys.readouterr().out
    assert "50 requests of 'plaintext' to raw" in out
    assert "benchmarks/apps/raw.py" in out


def test_plain_run_reports_how_many_requests_it_sent(capsys):
    profiling.main(["raw", "json", "--plain", "--seconds", "0.1"])
    sent = int(capsys.readouterr().out.split()[0])
    assert sent > 0
