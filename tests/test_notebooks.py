"""Every notebook executes top to bottom with the real kernel, and what it shows is right."""
import base64
import os
import re
import struct

import psutil
import pytest

import notebook_nav
import claims
from claims import cell_stdout
from conftest import outputs, stream_text

LESSONS = [p.name for p in notebook_nav.lessons()]


@pytest.mark.parametrize("name", LESSONS)
def test_notebook_runs_without_errors(executed, name):
    nb = executed(name)
    errors = [o for o in outputs(nb) if o.output_type == "error"]
    assert not errors, f"{name}: {errors[0].ename}: {errors[0].evalue}"
    # A cell that shows a worker's stack trace on purpose says so with the tag `stderr-expected`.
    stderr = "".join(o.text for c in nb.cells if c.cell_type == "code"
                     and "stderr-expected" not in c.metadata.get("tags", [])
                     for o in c.outputs if o.output_type == "stream" and o.name == "stderr")
    assert not stderr, f"{name} wrote to stderr:\n{stderr}"


def png_size(data_b64: str):
    png = base64.b64decode(data_b64)
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", png[16:24])


def test_welcome_reports_java_and_cores(executed):
    text = stream_text(executed("00-welcome.ipynb"))
    assert re.search(r"^Java (1[7-9]|[2-9]\d)", text, re.M), text
    assert re.search(r"^\d+ cores available$", text, re.M), text


def test_welcome_renders_table_as_html(executed):
    nb = executed("00-welcome.ipynb")
    tables = [o for o in outputs(nb) if "text/html" in o.get("data", {})]
    assert len(tables) == 1
    html = tables[0].data["text/html"]
    assert re.search(r"<caption[^>]*>powers — 10 rows × 3 columns</caption>", html)
    assert "<th>n</th><th>square</th><th>cube</th>" in html
    assert "<tr><td>10</td><td>100</td><td>1000</td></tr>" in html
    assert "powers" in tables[0].data["text/plain"], "plain-text fallback missing"


def test_welcome_draws_a_crisp_chart(executed):
    nb = executed("00-welcome.ipynb")
    images = [o for o in outputs(nb) if "image/png" in o.get("data", {})]
    assert len(images) == 1
    width, height = png_size(images[0].data["image/png"])
    shown = images[0].metadata["image/png"]
    assert (shown["width"], shown["height"]) == (640, 360)
    assert (width, height) == (1280, 720), "drawn at twice the shown size for high-density screens"
    assert len(base64.b64decode(images[0].data["image/png"])) > 20_000, "the image looks empty"


def test_processes_interleave_and_done_comes_last(executed):
    claims.assert_processes_interleave(executed("01-processes.ipynb"))


def test_processes_report_exit_codes_like_python(executed):
    nb = executed("01-processes.ipynb")
    table = next(o.data["text/html"] for o in outputs(nb) if "exit codes" in o.get("data", {}).get("text/html", ""))
    for ending, code in [("returns", 0), ("calls System.exit(3)", 3),
                         ("is terminated (SIGTERM)", -15), ("is killed (SIGKILL)", -9)]:
        assert f"<td>{ending}</td><td>{code}</td>" in table, (ending, table)
    assert "exit code 1" in cell_stdout(nb, '"failing"')


def test_worker_has_its_own_copy_of_the_list(executed):
    nb = executed("02-address-spaces.ipynb")
    text = cell_stdout(nb, 'System.out.println("result " + squareResult)')
    assert "within a process: result [4, 9, 64, 81]" in text
    assert text.strip().splitlines()[-2:] == ["result []", "Done!"]
    assert "after the thread: result [4, 9, 64, 81]" in cell_stdout(nb, "new Thread(")
    fork = cell_stdout(nb, "squareResult.add(2)")
    assert "the worker sees [1]" in fork and "the kernel has   [1, 2]" in fork


def images(nb):
    return [o for o in outputs(nb) if "image/png" in o.get("data", {})]


def test_shared_array_and_value_are_seen_outside(executed):
    nb = executed("03-value-and-array.ipynb")
    text = cell_stdout(nb, 'System.out.println("Done!")')
    assert "Inside process: result [4, 9, 25]" in text
    assert "Outside process: result [4, 9, 25]" in text
    assert "Outside process: value 5.67" in text
    table = next(o.data["text/html"] for o in outputs(nb) if "filled by 4 workers" in o.get("data", {}).get("text/html", ""))
    assert "<tr><td>15</td><td>225</td>" in table
    assert len(set(re.findall(r"<td>(\d{3,})</td></tr>", table))) == 4, "four writer pids"
    assert "counter = 200000 (expected 200000)" in cell_stdout(nb, "incrementAndGet")


def test_queue_carries_every_item_in_order(executed):
    nb = executed("04-queue.ipynb")
    text = cell_stdout(nb, 'Process producer = new Process("producer"')
    assert text.splitlines() == ["consumer got 4", "consumer got 9", "consumer got 64", "consumer got 81", "Done!"]
    results = cell_stdout(nb, "squarer-")
    assert sorted(results.splitlines()) == ["squarer-2 -> 4", "squarer-3 -> 9", "squarer-8 -> 64", "squarer-9 -> 81"]
    assert len(images(nb)) == 1, "the queue-length chart"
    # The chart starts when the producers do, not when the kernel got round to looking.
    first = re.search(r"first sample (\d+) ms after the producers started, (\d+) items waiting",
                      cell_stdout(nb, "startedAt.compareAndSet"))
    assert first and int(first.group(1)) < 500, cell_stdout(nb, "startedAt.compareAndSet")


def test_race_loses_updates_and_the_lock_fixes_it(executed):
    nb = executed("05-locks-and-races.ipynb")
    locked_seed = [c for c in nb.cells if c.cell_type == "code" and "Lock lock = lock();" in c.source
                   and "new Process(() -> depositWithLock(balance, lock))" in c.source][0]
    assert "".join(o.text for o in locked_seed.outputs if o.output_type == "stream").strip() == "200"
    claims.assert_race_varies_and_lock_is_exact(nb)
    assert len(images(nb)) == 1, "the chart of where the runs ended"
    recovered = cell_stdout(nb, "fragile.tryAcquire")
    assert "kernel: acquired = true, previous owner died = true" in recovered


def test_pool_matches_sequential_and_shows_its_work(executed):
    nb = executed("06-pool-map-reduce.ipynb")
    assert "results equal: true" in cell_stdout(nb, "pool.map(n -> f(n), inputs)")
    bars = [o for o in outputs(nb) if "kernel-lib-progress" in o.get("data", {}).get("text/html", "")]
    assert any("Pool-1 map: 100/100 (100%), done" in o.data["text/plain"] for o in bars), "the live progress bar"
    assert "last result: 9801" in cell_stdout(nb, "Thread.sleep(20)")
    assert len(images(nb)) == 3, "the timings, the chunk timeline and the speed-up chart"
    claims.assert_pool_conclusion_follows_from_its_numbers(nb, cpus=len(os.sched_getaffinity(0)))
    assert "still running: []" in cell_stdout(nb, "pool.close()")


def test_manager_counts_exactly_and_shared_memory_crosses_to_python(executed):
    nb = executed("08-managers-and-shared-memory.ipynb")
    claims.assert_manager_lesson_holds(nb)
    assert len(images(nb)) == 1, "the chart of a manager round-trip against shared memory"


def test_threads_and_processes_side_by_side_and_the_kernel_survives(executed):
    nb = executed("07-threads-or-processes.ipynb")
    timings = cell_stdout(nb, 'ms.put("one thread"')
    ways = [line.rsplit(None, 2)[0].strip() for line in timings.splitlines() if line.endswith(" ms")]
    virtual = ["virtual threads"] if "virtual threads: not in Java" not in timings else []
    assert ways == ["one thread", "thread pool", "parallel stream"] + virtual + ["process Pool"], timings
    assert len(images(nb)) == 1, "the chart of the ways side by side"
    assert re.search(r"the process Pool took \d+\.\d\dx the time", cell_stdout(nb, "fastestThreads"))
    assert "the worker exited with code 3; the kernel is still here" in cell_stdout(nb, "System.exit(3)")
    loops = cell_stdout(nb, "spinner.interrupt()")
    assert "thread: interrupted, and after a second still running = true" in loops, loops
    assert re.search(r"worker: killed, gone after \d+ ms with exit code -9", loops), loops
    assert "still running: []" in cell_stdout(nb, "pool.close()")


def server_jvm_running(pid):
    """Whether `pid` is still a kernel-lib worker JVM (a pid reused by anything else does not count)."""
    try:
        return "org.kernellib.mp.start.ChildMain" in psutil.Process(pid).cmdline()
    except psutil.Error:
        return False


def test_cluster_lesson_matches_the_local_pool_survives_a_kill_and_leaves_no_server(executed):
    nb = executed("09-beyond-one-machine.ipynb")
    claims.assert_cluster_lesson_holds(nb, cpus=len(os.sched_getaffinity(0)))
    assert len(images(nb)) == 2, "the cost chart and the timeline of the killed node's map"
    # The kernel that ran the lesson has been shut down by now: none of its servers outlived it.
    servers = claims.cluster_server_pids(nb)
    assert not [p for p in servers if server_jvm_running(p)], f"server JVMs left running: {servers}"
