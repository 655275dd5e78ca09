"""The lessons' claims hold on one CPU, and on one CPU shared with a busy loop.

Each condition executes the lessons whose claims depend on timing (01, 05, 06, 08, 09) in a child
process pinned to CPU 0 with `taskset`, so the kernel and every worker it starts see one core;
the loaded condition also runs a busy loop pinned to that same CPU for as long as they execute.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import claims
from conftest import OUTPUT, ROOT

LESSONS = ["01-processes.ipynb", "05-locks-and-races.ipynb", "06-pool-map-reduce.ipynb",
           "08-managers-and-shared-memory.ipynb", "09-beyond-one-machine.ipynb"]
CONDITIONS = ["one-cpu", "one-cpu-with-hog"]

EXECUTE = """
import sys
sys.path.insert(0, sys.argv[1])
import build_site, nbformat, notebook_nav
from pathlib import Path
out = Path(sys.argv[2])
for name in sys.argv[3:]:
    nbformat.write(build_site.execute(notebook_nav.NOTEBOOKS / name, allow_errors=True), out / name)
"""


@pytest.fixture(scope="module")
def pinned():
    """Executes the lessons once per condition; returns condition -> name -> executed notebook."""
    if not shutil.which("taskset"):
        pytest.fail("these tests need taskset (util-linux) to pin the notebooks to one CPU", pytrace=False)
    if 0 not in os.sched_getaffinity(0):
        pytest.fail("these tests pin to CPU 0, which this process may not use", pytrace=False)
    results = {}
    for condition in CONDITIONS:
        out = OUTPUT / "executed-on-one-cpu" / condition
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        hog = None
        if condition.endswith("with-hog"):
            hog = subprocess.Popen(["taskset", "-c", "0", "sh", "-c", "while :; do :; done"])
        try:
            run = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", EXECUTE, str(ROOT / "tools"), str(out)]
                                 + LESSONS, capture_output=True, text=True, timeout=900)
        finally:
            if hog is not None:
                hog.kill()
                hog.wait()
        results[condition] = run.returncode, run.stderr[-3000:], out
    return results


def executed(pinned, condition, name):
    returncode, stderr, out = pinned[condition]
    if not (out / name).exists():
        pytest.fail(f"{name} did not execute on {condition} (exit {returncode}):\n{stderr}", pytrace=False)
    return nbformat.read(out / name, as_version=4)


@pytest.mark.parametrize("condition", CONDITIONS)
def test_processes_interleave(pinned, condition):
    claims.assert_processes_interleave(executed(pinned, condition, "01-processes.ipynb"))


@pytest.mark.parametrize("condition", CONDITIONS)
def test_unlocked_varies_and_locked_is_always_200(pinned, condition):
    claims.assert_race_varies_and_lock_is_exact(executed(pinned, condition, "05-locks-and-races.ipynb"))


@pytest.mark.parametrize("condition", CONDITIONS)
def test_pool_concludes_it_cannot_win_on_one_core(pinned, condition):
    nb = executed(pinned, condition, "06-pool-map-reduce.ipynb")
    claims.assert_pool_conclusion_follows_from_its_numbers(nb, cpus=1)


@pytest.mark.parametrize("condition", CONDITIONS)
def test_manager_counts_exactly_and_costs_more_than_shared_memory_on_one_cpu(pinned, condition):
    claims.assert_manager_lesson_holds(executed(pinned, condition, "08-managers-and-shared-memory.ipynb"))


@pytest.mark.parametrize("condition", CONDITIONS)
def test_cluster_lesson_holds_on_one_cpu(pinned, condition):
    claims.assert_cluster_lesson_holds(executed(pinned, condition, "09-beyond-one-machine.ipynb"), cpus=1)


@pytest.mark.parametrize("condition", CONDITIONS)
def test_no_lesson_fails_on_one_cpu(pinned, condition):
    for name in LESSONS:
        nb = executed(pinned, condition, name)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{name} on {condition}: {errors[0].ename}: {errors[0].evalue}"
