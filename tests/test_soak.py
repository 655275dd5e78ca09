"""The short soak: the workloads while their workers are killed and frozen, for 45 seconds.

`make soak MINUTES=10` is the long run; this one keeps `make test` honest about the same
invariants (nothing lost beyond one item per death, no duplicate, no wedge, no hang, nothing left
behind) for every workload: the pool, the queue, the locked counter, the semaphore and the barrier.
"""
import subprocess
import sys

from conftest import ROOT


def test_short_soak_keeps_every_invariant():
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "soak.py"), "--seconds", "45"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    report = run.stdout
    assert "worker processes still running" in report and "runtime directories left" in report, report
    for workload in ("pool map", "queue 2x2", "lock counter", "semaphore(2)", "barrier(3)"):
        assert f"{workload}" in report, report
    failed = [line for line in report.splitlines() if line.rstrip().endswith("FAILED")]
    assert run.returncode == 0 and not failed, "\n".join(failed) + "\n\n" + report + run.stderr[-3000:]
