#!/usr/bin/env python3
"""Ray's multiprocessing.Pool on the cluster rows tools/bench.py compares kernel-lib-cluster against.

    python3 tools/bench_ray.py           # one line per figure
    python3 tools/bench_ray.py --json    # one JSON object, the last line of output
    python3 tools/bench_ray.py --quick   # one round, small sizes: checks it runs, not speed

Needs Ray (`pip install -r requirements-ray.txt`, best in a venv of its own). Each round starts a
fresh local Ray cluster with 2 CPUs on 127.0.0.1 (usage statistics off, no dashboard) and stops
it; every figure is the median over the rounds:
  ray_first_result_ms    ray.init() + Pool(2) + the first apply's result
  ray_idle_rss_mib       resident memory of Ray's processes (this driver's descendants), idle
  ray_apply_ms           one trivial pool.apply, of the 200 after the first 20
  ray_apply_warm_ms      the same, of 200 after 3 000 more (as ClusterBench measures a JVM's
                         steady state; Ray's workers run CPython, which has no JIT to warm)
  ray_map_100k_s         pool.map of the identity over 100 000 ints
  ray_failover_ms        two 300 ms items, one per worker; the worker that started one first is
                         killed (SIGKILL): from the kill until map_async's result or error
plus ray_failover_outcome (what that map did: completed with the right results, failed, or no
answer within 30 s), `ray` (its version) and `python`.
"""
import json
import os
import platform
import signal
import statistics
import sys
import tempfile
import time

# Before Ray is imported: no usage statistics sent anywhere, a Linux-only local cluster.
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
os.environ.setdefault("RAY_DEDUP_LOGS", "0")

import ray  # noqa: E402
from ray.util.multiprocessing import Pool  # noqa: E402

ROUNDS = 3
APPLIES = 200
WARMING_APPLIES = 3_000
MAP_ITEMS = 100_000
FAILOVER_ITEM_S = 0.3
FAILOVER_WAIT_S = 30


def identity(x):
    return x


def plus_one(x):
    return x + 1


def slow_item(args):
    n, path = args
    with open(path, "a") as f:
        f.write(f"{n}:{os.getpid()}\n")
    time.sleep(FAILOVER_ITEM_S)
    return n * 3


def start():
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False,
             configure_logging=False)


def descendants_rss_mib():
    """Resident memory of every process below this one (Ray's GCS, raylet, agents, workers)."""
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(pid))
    total_kib, todo = 0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/status") as f:
                total_kib += next((int(l.split()[1]) for l in f if l.startswith("VmRSS:")), 0)
        except OSError:
            pass
    return total_kib / 1024


def failover(pool):
    fd, path = tempfile.mkstemp(prefix="bench-ray-")
    os.close(fd)
    try:
        pending = pool.map_async(slow_item, [(0, path), (1, path)], chunksize=1)
        deadline = time.monotonic() + FAILOVER_WAIT_S
        first = None
        while first is None and time.monotonic() < deadline:
            with open(path) as f:
                line = f.readline().strip()
            first = line or None
            time.sleep(0.005)
        if first is None:
            return None, "no item started within 30 s"
        os.kill(int(first.split(":")[1]), signal.SIGKILL)
        killed = time.perf_counter()
        try:
            got = pending.get(timeout=FAILOVER_WAIT_S)
            outcome = "completed" if got == [0, 3] else f"completed with wrong results {got}"
        except Exception as e:  # what Ray raises is the figure
            if time.perf_counter() - killed >= FAILOVER_WAIT_S:
                return None, f"no result {FAILOVER_WAIT_S} s after the kill"
            outcome = f"failed: {type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
        return (time.perf_counter() - killed) * 1e3, outcome
    finally:
        os.unlink(path)


def apply_median_ms(pool):
    """The median of APPLIES trivial applies, each timed."""
    applies = []
    for i in range(APPLIES):
        a = time.perf_counter()
        pool.apply(identity, (i,))
        applies.append((time.perf_counter() - a) * 1e3)
    return statistics.median(applies)


def one_round(figures, outcomes):
    t0 = time.perf_counter()
    start()
    try:
        pool = Pool(2)
        if pool.apply(plus_one, (1,)) != 2:
            raise RuntimeError("the first apply returned a wrong result")
        figures.setdefault("ray_first_result_ms", []).append((time.perf_counter() - t0) * 1e3)
        time.sleep(1)
        figures.setdefault("ray_idle_rss_mib", []).append(descendants_rss_mib())
        for i in range(20):
            pool.apply(identity, (i,))
        figures.setdefault("ray_apply_ms", []).append(apply_median_ms(pool))
        for i in range(WARMING_APPLIES):
            pool.apply(identity, (i,))
        figures.setdefault("ray_apply_warm_ms", []).append(apply_median_ms(pool))
        items = list(range(MAP_ITEMS))
        pool.map(identity, items)
        m = time.perf_counter()
        if pool.map(identity, items) != items:
            raise RuntimeError("the map's results differ from its items")
        figures.setdefault("ray_map_100k_s", []).append(time.perf_counter() - m)
        ms, outcome = failover(pool)
        if ms is not None:
            figures.setdefault("ray_failover_ms", []).append(ms)
        outcomes.append(outcome)
        pool.terminate()
    finally:
        ray.shutdown()


def main():
    global ROUNDS, APPLIES, WARMING_APPLIES, MAP_ITEMS
    if "--quick" in sys.argv[1:]:
        ROUNDS, APPLIES, WARMING_APPLIES, MAP_ITEMS = 1, 10, 10, 1_000
    figures, outcomes = {}, []
    for _ in range(ROUNDS):
        one_round(figures, outcomes)
    out = {k: round(statistics.median(v), 4) for k, v in figures.items()}
    out.update(ray_failover_outcome="; ".join(sorted(set(outcomes))), ray=ray.__version__,
               python=platform.python_version(), ray_rounds=ROUNDS)
    if "--json" in sys.argv[1:]:
        print(json.dumps(out))
        return
    for key, value in out.items():
        print(f"{key:24} {value}")


if __name__ == "__main__":
    main()
