"""The short soak: the workloads while their workers are killed and frozen, for 45 seconds.

`make soak MINUTES=10` is the long run; this one keeps `make test` honest about the same
invariants (nothing lost beyond one item per death, no duplicate, no wedge, no hang, nothing left
behind) for every workload: the pool, the queue, the locked counter, the semaphore and the barrier.
"""
import os
import subprocess
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import soak  # noqa: E402


def test_leftover_directories_are_matched_on_pid_and_start_time(tmp_path):
    """A pid the soak once saw may name another program's process by the end (pids wrap in minutes
    here): only a directory whose name carries the same start time is the soak's."""
    me = os.getpid()
    owners = soak.identities([me])
    start = soak.start_millis(me)
    ours = tmp_path / f"kernel-lib-{me}-{start}-0123456789abcdef"
    same_pid_other_process = tmp_path / f"kernel-lib-{me}-{start - 86_400_000}-0123456789abcdef"
    ours.mkdir()
    same_pid_other_process.mkdir()
    assert soak.leftover_files(owners, str(tmp_path)) == [str(ours)]


def test_short_soak_keeps_every_invariant():
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "soak.py"), "--seconds", "45"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    report = run.stdout
    assert "worker processes still running" in report and "runtime directories left" in report, report
    for workload in ("pool map", "queue 2x2", "lock counter", "semaphore(2)", "barrier(3)"):
        assert f"{workload}" in report, report
    failed = [line for line in report.splitlines() if line.rstrip().endswith("FAILED")]
    assert run.returncode == 0 and not failed, "\n".join(failed) + "\n\n" + report + run.stderr[-3000:]
