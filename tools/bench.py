#!/usr/bin/env python3
"""Benchmarks: kernel-lib next to Python's multiprocessing, measured in the same run.

    python3 tools/bench.py            # a table: metric, ours, Python's, and how many times better
    python3 tools/bench.py --json     # all JSON objects, merged under "ours" and "python"

Steps: package both modules (the kernel's class path: kernel-lib-notebook's jar and its target/lib/,
kernel-lib among them, as tools/install_kernel.py registers it), build the worker AppCDS archive for
this JVM, run each Java benchmark main (each prints one JSON object of medians) on that class path
with kernel-lib's test classes after it, then run tools/bench_python.py --json, Python's
multiprocessing on the same rows. These machines are noisy: run it a few times and compare the
ratios.
To add a row, append to ROWS: (label, key in our JSON, key in Python's JSON or None, and whether
lower is better).
"""
import json
import os
import subprocess
import sys

from install_kernel import kernel_classpath

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
TARGET = os.path.join(ROOT, "kernel-lib", "target")  # the core, whose test classes hold the benchmarks
PYTHON_BASELINE = os.path.join(TOOLS, "bench_python.py")

LOWER, HIGHER = True, False  # None: a calibration, shown side by side but not compared
ROWS = [
    ("start->join, cold vs spawn (ms)", "start_join_ms_cold", "start_join_ms_spawn", LOWER),
    ("start->join, prestart vs forkserver (ms)", "start_join_ms_prestart", "start_join_ms_forkserver", LOWER),
    ("start->join, prestart vs fork (ms)", "start_join_ms_prestart", "start_join_ms_fork", LOWER),
    ("3 processes started at once, all joined, prestart (ms)", "three_starts_joined_ms_prestart", None, LOWER),
    ("worker peak RSS (MiB)", "worker_peak_rss_mib", None, LOWER),
    ("lock acquire+release /s, 1 process", "lock_pairs_per_s_uncontended", "lock_pairs_per_s_uncontended", HIGHER),
    ("lock acquire+release /s, 2 processes", "lock_pairs_per_s_2procs", "lock_pairs_per_s_2procs", HIGHER),
    ("semaphore acquire+release /s, 1 process", "semaphore_pairs_per_s_uncontended", None, HIGHER),
    ("semaphore acquire+release /s, 2 processes", "semaphore_pairs_per_s_2procs", None, HIGHER),
    ("Value += 1 under its lock /s, 2 processes", "value_locked_increments_per_s_2procs",
     "value_locked_increments_per_s_2procs", HIGHER),
    ("atomic increments /s vs Python's locked", "value_atomic_increments_per_s_2procs",
     "value_locked_increments_per_s_2procs", HIGHER),
    ("Queue small ints /s, 1 -> 1 process", "queue_items_per_s", "queue_items_per_s", HIGHER),
    ("Queue small ints /s, 2 -> 2 processes", "queue_items_per_s_2p2c", None, HIGHER),
    ("Queue 1 KiB messages /s, 1 -> 1", "queue_1kib_items_per_s", None, HIGHER),
    ("manager dict set+get /s, 2 processes", "manager_dict_pairs_per_s_2procs",
     "manager_dict_pairs_per_s_2procs", HIGHER),
    ("parallel ceiling, 2 processes vs 1 (x)", "parallel_ceiling_2procs", "parallel_ceiling_2procs", None),
    ("pool speed-up / ceiling, 2 ms items", "speedup_over_ceiling_2ms_items", None, HIGHER),
    ("pool overhead per tiny item (us)", "tiny_item_us", None, LOWER),
    ("map-reduce f x 100 000, sequential (s)", "mapreduce_sequential_s", "mapreduce_sequential_s", LOWER),
    ("map-reduce, cold pool incl. start (s)", "mapreduce_pool_cold_s", "mapreduce_pool_s", LOWER),
    ("map-reduce, warm pool (s)", "mapreduce_pool_warm_s", "mapreduce_pool_s", LOWER),
    ("new Pool() to all workers ready, cold (ms)", "pool_start_ms_cold", None, LOWER),
    ("new Pool(n) ready / cold Process start (x)", "pool_start_over_process_start", None, LOWER),
    ("new Pool() to all workers ready, spares (ms)", "pool_start_ms_standby", None, LOWER),
]
BENCHES = ["org.kernellib.mp.bench.ProcessBench", "org.kernellib.mp.bench.SharedStateBench",
           "org.kernellib.mp.bench.PoolBench", "org.kernellib.mp.bench.ManagerBench"]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, **kw)


def classpath():
    run(["mvn", "-q", "-pl", "kernel-lib-notebook", "-am", "package", "-DskipTests"], cwd=ROOT)
    cp_file = os.path.join(TARGET, "bench-classpath.txt")
    run(["mvn", "-q", "-pl", "kernel-lib", "dependency:build-classpath",
         "-Dmdep.outputFile=" + cp_file], cwd=ROOT)
    with open(cp_file) as f:
        deps = [e for e in f.read().strip().split(os.pathsep) if e]
    # The notebook kernel's class path first; the benchmarks' own classes come after it, so a
    # worker must find them past two dozen jars, as it finds a notebook's.
    entries = kernel_classpath()
    names = {os.path.basename(j) for j in entries}
    entries += [os.path.join(TARGET, "test-classes")]
    entries += [d for d in deps if os.path.basename(d) not in names]
    return os.pathsep.join(entries)


def java_bench(cp):
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
    run([java, "-cp", cp, "org.kernellib.mp.start.CdsArchive"], stdout=subprocess.DEVNULL)
    ours = {}
    for main in BENCHES:
        out = run([java, "-cp", cp, main], stdout=subprocess.PIPE).stdout
        ours.update(json.loads(out.strip().splitlines()[-1]))
    return ours


def python_bench():
    out = run([sys.executable, PYTHON_BASELINE, "--json"], stdout=subprocess.PIPE).stdout
    return json.loads(out.strip().splitlines()[-1])


def figure(x):
    """Thousands separated; small figures keep three decimals."""
    if x is None:
        return f"{'-':>14}"
    return f"{x:14,.3f}" if abs(x) < 10 else f"{x:14,.1f}"


def main():
    ours = java_bench(classpath())
    theirs = python_bench()
    if "--json" in sys.argv:
        print(json.dumps({"ours": ours, "python": theirs}))
        return
    print(f"# Python {theirs.get('python')}, {theirs.get('cpus')} cpus; 'better' is how many times "
          "better ours is (above 1: ours wins)")
    print(f"{'metric':44} {'ours':>14} {'Python':>14} {'better':>8}")
    for label, ours_key, py_key, lower_is_better in ROWS:
        a = ours.get(ours_key)
        b = theirs.get(py_key) if py_key else None
        better = "       -"
        if a and b and lower_is_better is not None:
            better = f"{(b / a if lower_is_better else a / b):8.2f}"
        fa, fb = figure(a), figure(b)
        print(f"{label:44} {fa} {fb} {better}")


if __name__ == "__main__":
    main()
