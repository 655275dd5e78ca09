"""How `make html` executes the lessons: a fresh kernel each, the cells that measure time alone."""
import asyncio
import os
import re
import time

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


def timed(folder, name, sleep_ms, measuring=()):
    """A notebook of three cells that each print their kernel's pid and when (the machine's monotonic
    clock) they started and ended; the cells whose numbers are in `measuring` measure time."""
    path = notebook(folder, name, *[
        f'long from{i} = System.nanoTime();\nThread.sleep({sleep_ms});\n'
        f'System.out.println("cell {i} pid " + ProcessHandle.current().pid() + " from " + from{i} + " to " + System.nanoTime());'
        for i in range(3)])
    nb = nbformat.read(path, as_version=4)
    for i in measuring:
        nb.cells[i].metadata["tags"] = [build_site.MEASURES_TIME]
    nbformat.write(nb, path)
    return path


def intervals(nb):
    """cell number -> (pid, from, to) as the cells printed them."""
    text = "".join(o.text for c in nb.cells for o in c.outputs if o.output_type == "stream")
    return {int(c): (int(pid), int(a), int(b)) for c, pid, a, b in
            re.findall(r"cell (\d) pid (\d+) from (\d+) to (\d+)", text)}


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


def test_cells_that_measure_time_run_alone_and_each_notebook_in_a_fresh_kernel(tmp_path):
    paths = [timed(tmp_path, f"{i:02d}.ipynb", 700, measuring=[1] if i in (1, 3) else []) for i in range(4)]
    finished = []
    before = live_kernels()
    executed = asyncio.run(build_site.execute_all(paths, done=lambda p, s: finished.append(p.name)))
    assert list(executed) == paths, "the executed copies come back in reading order"
    assert sorted(finished) == [p.name for p in paths]
    runs = {p.name: intervals(executed[p]) for p in paths}
    assert all(sorted(cells) == [0, 1, 2] for cells in runs.values()), runs
    assert len({pid for cells in runs.values() for pid, _, _ in cells.values()}) == len(paths), \
        f"one fresh kernel per notebook: {runs}"
    cells = [(name, i, start, end) for name, cs in runs.items() for i, (_, start, end) in cs.items()]
    overlapping = [(a[:2], b[:2]) for a in cells for b in cells if a < b and a[2] < b[3] and b[2] < a[3]]
    assert overlapping, f"the other cells run several notebooks at once: {runs}"
    for name in ("01.ipynb", "03.ipynb"):
        _, start, end = runs[name][1]
        beside = [(other, i) for other, i, s, e in cells if (other, i) != (name, 1) and s < end and start < e]
        assert not beside, f"{name}'s measuring cell ran beside {beside}: {runs}"
    assert not live_kernels() - before, "every kernel is shut down"


def test_a_failing_notebook_fails_the_build_and_leaves_no_kernel_running(tmp_path):
    paths = [timed(tmp_path, "00.ipynb", 10),
             notebook(tmp_path, "01.ipynb", 'throw new IllegalStateException("this lesson is broken");'),
             timed(tmp_path, "02.ipynb", 3000, measuring=[0])]
    before = live_kernels()
    with pytest.raises(CellExecutionError, match="this lesson is broken"):
        asyncio.run(build_site.execute_all(paths))
    assert not live_kernels() - before, "a failure leaves no kernel running, also of the notebooks beside it"


def test_each_page_is_published_while_other_notebooks_execute_and_never_beside_a_measuring_cell(tmp_path):
    paths = [timed(tmp_path, f"{i:02d}.ipynb", 700, measuring=[1] if i in (1, 3) else []) for i in range(5)]
    published = {}

    def publish(path, nb):
        began = time.monotonic_ns()  # the clock the cells read with System.nanoTime (CLOCK_MONOTONIC)
        time.sleep(0.3)
        published[path.name] = (nb, began, time.monotonic_ns())

    executed = asyncio.run(build_site.execute_all(paths, publish=publish))
    assert sorted(published) == [p.name for p in paths], "every notebook is published once"
    assert all(published[p.name][0] is executed[p] for p in paths), "the executed copy is what is published"
    runs = {p.name: intervals(executed[p]) for p in paths}
    last_cell_ends = max(end for cells in runs.values() for _, _, end in cells.values())
    first_published = min(began for _, began, _ in published.values())
    assert first_published < last_cell_ends, f"pages are written while notebooks still execute: {published}, {runs}"
    for name in ("01.ipynb", "03.ipynb"):
        _, start, end = runs[name][1]
        beside = [page for page, (_, began, ended) in published.items() if began < end and start < ended]
        assert not beside, f"{name}'s measuring cell ran while {beside} was published"
