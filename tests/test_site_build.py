"""How `make html` executes the lessons: a fresh kernel each, the lessons that measure time alone."""
import asyncio
import os
import re

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

import build_site

KERNEL = {"name": "java-multiprocessing", "display_name": "Java (multiprocessing)", "language": "java"}


def notebook(folder, name, *cells):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNEL})
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    path = folder / name
    nbformat.write(nb, path)
    return path


def timed(folder, name, sleep_ms):
    """A notebook that prints its kernel's pid and when (the machine's monotonic clock) it ran."""
    return notebook(folder, name,
                    'System.out.println("pid " + ProcessHandle.current().pid() + " from " + System.nanoTime());',
                    f"Thread.sleep({sleep_ms});",
                    'System.out.println("to " + System.nanoTime());')


def interval(nb):
    text = "".join(o.text for c in nb.cells for o in c.outputs if o.output_type == "stream")
    return tuple(int(x) for x in re.search(r"pid (\d+) from (\d+)\s+to (\d+)", text).groups())


def live_kernels():
    """Pids of this process's running children (zombies left out) that are JJava kernels: other
    tests of the session may have children of their own."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
                command = open(f"/proc/{entry}/cmdline", "rb").read()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == os.getpid() and fields[0] != "Z" and b"jjava.jar" in command:
                found.add(int(entry))
    return found


def test_lessons_that_measure_time_run_alone_each_in_a_fresh_kernel(tmp_path):
    paths = [timed(tmp_path, f"{i:02d}.ipynb", 1500) for i in range(4)]
    measuring = {"01.ipynb", "03.ipynb"}
    finished = []
    before = live_kernels()
    executed = asyncio.run(build_site.execute_all(paths, done=lambda p, s: finished.append(p.name),
                                                  alone=measuring))
    assert list(executed) == paths, "the executed copies come back in reading order"
    assert sorted(finished) == [p.name for p in paths]
    runs = {p.name: interval(executed[p]) for p in paths}
    assert len({pid for pid, _, _ in runs.values()}) == len(paths), f"one fresh kernel per notebook: {runs}"
    for name in measuring:
        _, start, end = runs[name]
        others = [(s, e) for other, (_, s, e) in runs.items() if other != name]
        assert all(e < start or s > end for s, e in others), f"{name} ran beside another notebook: {runs}"
    assert not live_kernels() - before, "every kernel is shut down"


def test_a_failing_notebook_fails_the_build_and_leaves_no_kernel_running(tmp_path):
    paths = [timed(tmp_path, "00.ipynb", 10),
             notebook(tmp_path, "01.ipynb", 'throw new IllegalStateException("this lesson is broken");'),
             timed(tmp_path, "02.ipynb", 10)]
    before = live_kernels()
    with pytest.raises(CellExecutionError, match="this lesson is broken"):
        asyncio.run(build_site.execute_all(paths, alone={"02.ipynb"}))
    assert not live_kernels() - before, "the kernel started ahead for the lesson that never ran is shut down"
