#!/usr/bin/env python3
"""Python's multiprocessing on the rows tools/bench.py compares kernel-lib against.

    python3 tools/bench_python.py           # one line per figure
    python3 tools/bench_python.py --json    # one JSON object, the last line of output
    python3 tools/bench_python.py --quick   # tiny sizes, one round: checks it runs, not speed

Each key is one that tools/bench.py's ROWS table names on its Python side:
  start_join_ms_{fork,forkserver,spawn}   start -> join of a no-op Process, ms (median of 20)
  parallel_ceiling_2procs                 2 processes doing the same CPU work as 1: how many
                                          times the work per second (2.0 on two idle cores)
  mapreduce_sequential_s                  the seed tutorial's f over range(100 000), in a loop
  mapreduce_pool_s                        the same with `with Pool() as p: p.map(f, ...)`,
                                          pool start and stop included (as the tutorial does)
  lock_pairs_per_s_uncontended            Lock acquire + release, one process
  lock_pairs_per_s_2procs                 the same, 2 processes on one Lock (total)
  value_locked_increments_per_s_2procs    `with v.get_lock(): v.value += 1`, 2 processes (total)
  queue_items_per_s                       small ints through a Queue, 1 producer -> 1 consumer
  manager_dict_pairs_per_s_2procs         `d[key] = i; d[key]` on one Manager().dict(), 2
                                          processes, each its own key (set+get pairs, total)
plus `python`, `cpus` and `start_method` (the default one, used for everything but the start
rows). Rates and the ceiling are medians of a few rounds; the map-reduce runs once, as in the
tutorial. About a minute on two cores. Standard library only, so any Python 3 runs it.
"""
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time

START_REPS = 20
ROUNDS = 3  # rounds per rate; the median is reported
MAPREDUCE_N = 100_000
LOCK_PAIRS_ALONE = 1_000_000
LOCK_PAIRS_EACH = 200_000
VALUE_INCREMENTS_EACH = 200_000
QUEUE_ITEMS = 200_000
CEILING_SPIN = 5_000_000
MANAGER_PAIRS_EACH = 20_000


def make_quick():
    """Sizes for --quick: every measurement runs, in a few seconds, and means nothing."""
    global START_REPS, ROUNDS, MAPREDUCE_N, LOCK_PAIRS_ALONE, LOCK_PAIRS_EACH
    global VALUE_INCREMENTS_EACH, QUEUE_ITEMS, CEILING_SPIN, MANAGER_PAIRS_EACH
    START_REPS, ROUNDS, MAPREDUCE_N, LOCK_PAIRS_ALONE = 2, 1, 1_000, 10_000
    LOCK_PAIRS_EACH = VALUE_INCREMENTS_EACH = QUEUE_ITEMS = MANAGER_PAIRS_EACH = 2_000
    CEILING_SPIN = 50_000


# Worker bodies are module-level functions so that spawn and forkserver can import them.

def nothing():
    pass


def f(x):
    """The seed tutorial's map-reduce kernel: the same work for every input."""
    total = 0
    for i in range(1000):
        total += i * i
    return total


def spin(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def lock_pairs(lock, n, go):
    go.wait()
    for _ in range(n):
        lock.acquire()
        lock.release()


def locked_increments(value, n, go):
    go.wait()
    for _ in range(n):
        with value.get_lock():
            value.value += 1


def produce(q, n, go):
    go.wait()
    for i in range(n):
        q.put(i)


def dict_pairs(d, key, n, go):
    go.wait()
    for i in range(n):
        d[key] = i
        if d[key] != i:
            raise RuntimeError(f"read back {d[key]} after writing {i}")


def seconds(fn, *args):
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def race(target, args_for, procs=2):
    """Starts `procs` processes that wait on one event, releases them together, and returns the
    seconds from release until all have exited. Start-up is outside the measured time."""
    go = mp.Event()
    workers = [mp.Process(target=target, args=args_for(go)) for _ in range(procs)]
    for w in workers:
        w.start()
    time.sleep(0.2)  # let every worker reach go.wait()
    t0 = time.perf_counter()
    go.set()
    for w in workers:
        w.join(300)
    elapsed = time.perf_counter() - t0
    failed = [w.exitcode for w in workers if w.exitcode != 0]
    if failed:
        raise RuntimeError(f"{target.__name__}: workers exited with {failed}")
    return elapsed


def median_of(rounds, measure):
    return statistics.median(measure() for _ in range(rounds))


def start_join_ms(method):
    ctx = mp.get_context(method)
    warm = ctx.Process(target=nothing)  # the first start also boots forkserver's server
    warm.start()
    warm.join()
    times = []
    for _ in range(START_REPS):
        t0 = time.perf_counter()
        p = ctx.Process(target=nothing)
        p.start()
        p.join()
        times.append(time.perf_counter() - t0)
        if p.exitcode != 0:
            raise RuntimeError(f"a no-op {method} process exited with {p.exitcode}")
    return statistics.median(times) * 1e3


def parallel_ceiling():
    alone = seconds(spin, CEILING_SPIN)
    pair = [mp.Process(target=spin, args=(CEILING_SPIN,)) for _ in range(2)]
    t0 = time.perf_counter()
    for p in pair:
        p.start()
    for p in pair:
        p.join()
    together = time.perf_counter() - t0
    return 2 * alone / together


def mapreduce():
    t0 = time.perf_counter()
    expected = sum(f(x) for x in range(MAPREDUCE_N))
    sequential = time.perf_counter() - t0
    t0 = time.perf_counter()
    with mp.Pool() as pool:
        got = sum(pool.map(f, range(MAPREDUCE_N)))
    pooled = time.perf_counter() - t0
    if got != expected:
        raise RuntimeError(f"the pool's sum {got} differs from the loop's {expected}")
    return sequential, pooled


def lock_alone_rate():
    lock = mp.Lock()

    def pairs():
        for _ in range(LOCK_PAIRS_ALONE):
            lock.acquire()
            lock.release()

    return LOCK_PAIRS_ALONE / seconds(pairs)


def lock_shared_rate():
    lock = mp.Lock()
    return 2 * LOCK_PAIRS_EACH / race(lock_pairs, lambda go: (lock, LOCK_PAIRS_EACH, go))


def value_rate():
    value = mp.Value("i", 0)
    elapsed = race(locked_increments, lambda go: (value, VALUE_INCREMENTS_EACH, go))
    if value.value != 2 * VALUE_INCREMENTS_EACH:
        raise RuntimeError(f"the locked Value ended at {value.value}, not {2 * VALUE_INCREMENTS_EACH}")
    return 2 * VALUE_INCREMENTS_EACH / elapsed


def queue_rate():
    q = mp.Queue()
    go = mp.Event()
    producer = mp.Process(target=produce, args=(q, QUEUE_ITEMS, go))
    producer.start()
    time.sleep(0.2)
    t0 = time.perf_counter()
    go.set()
    total = 0
    for _ in range(QUEUE_ITEMS):
        total += q.get(timeout=60)
    elapsed = time.perf_counter() - t0
    producer.join(60)
    if total != QUEUE_ITEMS * (QUEUE_ITEMS - 1) // 2:
        raise RuntimeError(f"the consumer summed {total}; items were lost or repeated")
    return QUEUE_ITEMS / elapsed


def manager_dict_rate():
    with mp.Manager() as manager:
        d = manager.dict()
        keys = iter(["k0", "k1"])
        elapsed = race(dict_pairs, lambda go: (d, next(keys), MANAGER_PAIRS_EACH, go))
        if d["k0"] != MANAGER_PAIRS_EACH - 1 or d["k1"] != MANAGER_PAIRS_EACH - 1:
            raise RuntimeError(f"the manager dict ended at {dict(d)}")
    return 2 * MANAGER_PAIRS_EACH / elapsed


def measure():
    out = {"python": platform.python_version(), "cpus": os.cpu_count(),
           "start_method": mp.get_start_method()}
    for method in ("fork", "forkserver", "spawn"):
        out[f"start_join_ms_{method}"] = round(start_join_ms(method), 3)
    out["parallel_ceiling_2procs"] = round(median_of(ROUNDS, parallel_ceiling), 3)
    sequential, pooled = mapreduce()
    out["mapreduce_sequential_s"] = round(sequential, 3)
    out["mapreduce_pool_s"] = round(pooled, 3)
    out["lock_pairs_per_s_uncontended"] = round(median_of(ROUNDS, lock_alone_rate))
    out["lock_pairs_per_s_2procs"] = round(median_of(ROUNDS, lock_shared_rate))
    out["value_locked_increments_per_s_2procs"] = round(median_of(ROUNDS, value_rate))
    out["queue_items_per_s"] = round(median_of(ROUNDS, queue_rate))
    out["manager_dict_pairs_per_s_2procs"] = round(median_of(ROUNDS, manager_dict_rate))
    return out


def main():
    if "--quick" in sys.argv[1:]:
        make_quick()
    figures = measure()
    if "--json" in sys.argv[1:]:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:40} {value:,}" if isinstance(value, (int, float)) else f"{key:40} {value}")


if __name__ == "__main__":
    main()
