"""What each lesson claims, checked against what an executed copy of it printed.

Shared by the ordinary notebook tests and by the tests that run the lessons on one CPU, with and
without a CPU hog beside them: a claim must hold on every run, on any machine.
"""
import html
import re

from conftest import outputs

# The pool lesson counts a size as paying when the pool is more than this much faster.
PAYS = 1.1
# Table cells are rounded to two decimals; a speed-up this close to PAYS may fall either way.
ROUNDING = 0.006


def cell_stdout(nb, marker: str) -> str:
    """The stdout of the first code cell whose source contains `marker`."""
    for cell in nb.cells:
        if cell.cell_type == "code" and marker in cell.source:
            return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
    raise AssertionError(f"no code cell contains {marker!r}")


def html_table(nb, caption_part: str) -> list:
    """The body rows, as lists of cell texts, of the first HTML table whose caption contains the text."""
    for o in outputs(nb):
        page = o.get("data", {}).get("text/html", "")
        if "<table" in page and caption_part in page:
            body = page.split("<tbody>", 1)[1]
            return [[html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
                    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    raise AssertionError(f"no table captioned {caption_part!r}")


def number(text: str) -> float:
    return float(text.replace(",", ""))


def assert_processes_interleave(nb):
    """01: both workers' lines interleave, squares in order, and Done! comes last."""
    lines = cell_stdout(nb, 'System.out.println("Done!")').strip().splitlines()
    assert sorted(lines[:-1]) == sorted(["square 4", "square 9", "square 64", "square 81",
                                         "cube 8", "cube 27", "cube 512", "cube 729"]), lines
    assert lines[-1] == "Done!"
    kinds = [line.split()[0] for line in lines[:-1]]
    # Neither worker prints all four lines before the other prints its first.
    assert kinds[:4] != ["square"] * 4 and kinds[:4] != ["cube"] * 4, f"no interleaving: {kinds}"
    assert [l for l in lines if l.startswith("square")] == ["square 4", "square 9", "square 64", "square 81"]


def balances(text, variant):
    line = next(l for l in text.splitlines() if l.startswith(variant + ": "))
    return [int(b) for b in re.findall(r"-?\d+", line.split(": ", 1)[1])]


def assert_race_varies_and_lock_is_exact(nb):
    """05: unlocked runs end at different balances; locked and atomic runs end at 200, every run."""
    text = cell_stdout(nb, "finals.forEach")
    unlocked = balances(text, "UNLOCKED")
    assert len(set(unlocked)) > 1, text
    assert set(balances(text, "LOCKED")) == {200}, text
    assert set(balances(text, "ATOMIC")) == {200}, text
    # The summary beside the chart is computed from these same runs.
    summary = cell_stdout(nb, "final balances by variant")
    exact = unlocked.count(200)
    assert (f"unlocked: {len(set(unlocked))} different balances in {len(unlocked)} runs, {exact} of them 200"
            in summary), summary
    assert {"locked: 200 in all 12 runs", "atomic: 200 in all 12 runs"} <= set(summary.splitlines()), summary
    rows = {r[0]: r[1:] for r in html_table(nb, "final balances by variant")}
    assert rows["LOCKED"][:3] == ["12", "1", "12"] and rows["ATOMIC"][:3] == ["12", "1", "12"], rows
    assert rows["UNLOCKED"][1] == str(len(set(unlocked))), rows


def pool_measurements(nb):
    """06: (workers, ceiling, [(µs per item, speed-up)], conclusion) as the notebook printed them."""
    ceiling_line = cell_stdout(nb, "double ceiling")
    found = re.search(r"parallel ceiling on this machine for the pool's workers \((\d+)\): (\d+\.\d\d)x", ceiling_line)
    assert found, ceiling_line
    workers, ceiling = int(found.group(1)), float(found.group(2))
    rows = html_table(nb, "32 items, in one process and in the pool")
    sizes = [(number(r[0]), number(r[3])) for r in rows]
    assert [s for s, _ in sizes] == [1, 10, 100, 1000, 10000], sizes
    conclusion = cell_stdout(nb, "int paysFrom").strip()
    return workers, ceiling, sizes, conclusion


def assert_pool_conclusion_follows_from_its_numbers(nb, cpus=None):
    """06: the printed conclusion says what the notebook's own table and ceiling say."""
    workers, ceiling, sizes, conclusion = pool_measurements(nb)
    if cpus is not None:
        assert workers == cpus, f"one worker per core: {workers} workers on {cpus} cores"
    speedups = [g for _, g in sizes]
    best = max(speedups)
    said = re.search(r"(\d+\.\d\d)x at ([\d,]+) µs per item", conclusion)
    assert said and abs(float(said.group(1)) - best) <= ROUNDING, (conclusion, sizes)
    if workers == 1:
        assert conclusion.startswith("This kernel has 1 core, so the pool has 1 worker: a pool cannot beat one process here"), conclusion
        # One process timed against itself shows how far the machine's load alone moves a ratio: on a
        # quiet machine a few percent, so the limit stays PAYS; beside other programs' bursts on the
        # one core, as far as the notebook measured.
        noise = re.search(r"timed against itself the same way gave ratios between (\d+\.\d\d)x and (\d+\.\d\d)x", conclusion)
        assert noise and float(noise.group(1)) <= float(noise.group(2)), conclusion
        limit = max(PAYS, float(noise.group(2)))
        assert best <= limit + ROUNDING, f"one worker beat one process by more than {limit}x, the noise measured: {sizes}; {conclusion}"
        return
    paying = re.search(r"pays from ([\d,]+) µs of work per item on", conclusion)
    if not paying:
        assert "did not pay at any size" in conclusion, conclusion
        assert all(g <= PAYS + ROUNDING for g in speedups), (conclusion, sizes)
        return
    start = [s for s, _ in sizes].index(number(paying.group(1)))
    assert all(g > PAYS - ROUNDING for g in speedups[start:]), (conclusion, sizes)
    assert start == 0 or speedups[start - 1] <= PAYS + ROUNDING, (conclusion, sizes)
    assert f"of the ceiling of {ceiling:.2f}x" in conclusion, (conclusion, ceiling)


def assert_manager_lesson_holds(nb):
    """08: the pool's counts in the manager dict are exact; a manager round-trip costs many shared
    accesses; Java and Python read each other's blocks; nothing is left running or in /dev/shm."""
    counted = cell_stdout(nb, "counts.merge(w, 1, Integer::sum)")
    assert "same counts as one loop in the kernel: true" in counted, counted
    found = re.search(r"read (\d+) lines, (\d+) words; the shared dict counted (\d+) words", counted)
    assert found and found.group(2) == found.group(3), counted
    cost = cell_stdout(nb, "double managerNs")
    manager_us = number(re.search(r"manager Value: ([\d,.]+) µs", cost).group(1))
    shared_ns = number(re.search(r"shared intValue: ([\d,.]+) ns", cost).group(1))
    times = number(re.search(r"the manager took ([\d,]+) times as long", cost).group(1))
    assert abs(times - manager_us * 1000 / shared_ns) <= max(1, 0.01 * times), cost
    assert times > 10, f"the lesson calls a manager round-trip slow next to shared memory: {cost}"
    to_python = cell_stdout(nb, "SharedMemory.create(8L * count)")
    assert "Python's sum: 500000500000 (exit code 0)" in to_python, to_python
    assert "Java expects: 500000500000" in to_python, to_python
    from_python = cell_stdout(nb, "SharedMemory.attach(name)")
    assert "summed in Java: 999999000000" in from_python and "expected: 999999000000" in from_python, from_python
    assert "Python exited with 0; the block is still in /dev/shm: false" in from_python, from_python
    ended = cell_stdout(nb, "manager.shutdown()")
    assert "the manager process is gone" in ended and ended.strip().endswith("still running: []"), ended
