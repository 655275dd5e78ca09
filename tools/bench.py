#!/usr/bin/env python3
"""Benchmarks: kernel-lib next to Python's multiprocessing, measured in the same run.

    python3 tools/bench.py            # a table: metric, ours, Python's, and how many times better
    python3 tools/bench.py --json     # all JSON objects, merged under "ours", "python" and "ray"

A second table puts kernel-lib-cluster (a pool and structures on a 2-node local Apache Ignite
cluster, ClusterBench) next to this machine's shared memory and local pool, and next to Ray's
multiprocessing.Pool when Ray is installed (tools/bench_ray.py, run by the Python in BENCH_RAY_PYTHON
if set, else this one; `pip install -r requirements-ray.txt`). Ray runs on 127.0.0.1 only.

Steps: package both modules (the kernel's class path: kernel-lib-notebook's jar and its target/lib/,
kernel-lib among them, as tools/install_kernel.py registers it), build the worker AppCDS archive for
this JVM, run each Java benchmark main (each prints one JSON object of medians) on that class path
with kernel-lib's test classes after it, then run tools/bench_python.py --json, Python's
multiprocessing on the same rows. These machines are noisy: run it a few times and compare the
ratios.
To add a row, append to ROWS: (label, key in our JSON, key in Python's JSON or None, and whether
lower is better); to CLUSTER_ROWS: (label, key of the cluster's figure, key of the same figure on
this machine or None, key in Ray's JSON or None, lower is better).
"""
import json
import os
import re
import subprocess
import sys

from install_kernel import kernel_classpath

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
TARGET = os.path.join(ROOT, "kernel-lib", "target")  # the core, whose test classes hold the benchmarks
CLUSTER_TARGET = os.path.join(ROOT, "kernel-lib-cluster", "target")  # ClusterBench, Ignite's jars
PYTHON_BASELINE = os.path.join(TOOLS, "bench_python.py")
RAY_BASELINE = os.path.join(TOOLS, "bench_ray.py")

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
CLUSTER_BENCH = "org.kernellib.mp.bench.ClusterBench"  # needs Ignite's JVM options
CLUSTER_ROWS = [
    ("Pool() on a fresh 2-node cluster, to 1st result (ms)", "cluster_first_result_ms", None, "ray_first_result_ms", LOWER),
    ("idle memory of the cluster's processes (MiB)", "cluster_idle_rss_mib", None, "ray_idle_rss_mib", LOWER),
    ("trivial apply, a fresh cluster's first 200 (ms)", "cluster_apply_ms", None, "ray_apply_ms", LOWER),
    ("trivial apply, after 3 000 more (ms)", "cluster_apply_warm_ms", None, "ray_apply_warm_ms", LOWER),
    ("map of 100 000 trivial items (s)", "cluster_map_100k_s", "local_map_100k_s", "ray_map_100k_s", LOWER),
    ("parallel ceiling, 2 JVMs vs 1 (x)", "cluster_parallel_ceiling_2nodes", "parallel_ceiling_2procs", None, None),
    ("speed-up / ceiling, 2 ms items", "cluster_speedup_over_ceiling_2ms_items",
     "speedup_over_ceiling_2ms_items", None, HIGHER),
    ("speed-up / local pool's, 2 ms items", "cluster_speedup_over_local_2ms_items", None, None, HIGHER),
    ("atomic increments /s, 2 nodes | 2 processes", "cluster_value_increments_per_s_2nodes",
     "value_atomic_increments_per_s_2procs", None, HIGHER),
    ("value += 1 under its lock /s, 2 nodes | 2 procs", "cluster_value_locked_increments_per_s_2nodes",
     "value_locked_increments_per_s_2procs", None, HIGHER),
    ("lock acquire+release /s, 2 nodes | 2 processes", "cluster_lock_pairs_per_s_2nodes",
     "lock_pairs_per_s_2procs", None, HIGHER),
    ("queue small ints /s, node -> kernel | 1 -> 1", "cluster_queue_items_per_s", "queue_items_per_s", None, HIGHER),
    ("apply that puts 1 queue item (ms)", "cluster_queue_put_apply_ms", None, None, LOWER),
    ("server killed mid-map: killed item re-run (ms)", "cluster_failover_rerun_ms", None, None, LOWER),
    # not compared: the cluster's map returns its results, Ray's fails (its outcome is printed below)
    ("server killed mid-map: map returned (ms)", "cluster_failover_ms", None, "ray_failover_ms", None),
]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, **kw)


def classpath():
    run(["mvn", "-q", "-pl", "kernel-lib-notebook,kernel-lib-cluster", "-am", "package", "-DskipTests"], cwd=ROOT)
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
    names |= {os.path.basename(d) for d in deps}
    # kernel-lib-cluster's jar, Ignite's (its target/lib/), and ClusterBench
    cluster = [os.path.join(CLUSTER_TARGET, "kernel-lib-cluster.jar")]
    cluster += sorted(os.path.join(CLUSTER_TARGET, "lib", j) for j in os.listdir(os.path.join(CLUSTER_TARGET, "lib")))
    entries += [j for j in cluster if os.path.basename(j) not in names]
    entries += [os.path.join(CLUSTER_TARGET, "test-classes")]
    return os.pathsep.join(entries)


def ignite_jvm_options():
    """Ignite's JVM options, from kernel-lib-cluster's pom (a test checks they equal JvmOptions.all())."""
    with open(os.path.join(ROOT, "kernel-lib-cluster", "pom.xml")) as f:
        found = re.search(r"<ignite.jvm.options>(.*?)</ignite.jvm.options>", f.read(), re.S)
    return found.group(1).split()


def java_bench(cp):
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
    run([java, "-cp", cp, "org.kernellib.mp.start.CdsArchive"], stdout=subprocess.DEVNULL)
    # the cluster servers' archive, for this class path, as `make setup` makes it for the kernel's
    run([java, *ignite_jvm_options(), "-cp", cp, "org.kernellib.mp.cluster.ServerArchive"], stdout=subprocess.DEVNULL)
    ours = {}
    for main in BENCHES:
        out = run([java, "-cp", cp, main], stdout=subprocess.PIPE).stdout
        ours.update(json.loads(out.strip().splitlines()[-1]))
    out = run([java, *ignite_jvm_options(), "-cp", cp, CLUSTER_BENCH], stdout=subprocess.PIPE).stdout
    ours.update(json.loads(out.strip().splitlines()[-1]))
    return ours


def python_bench():
    out = run([sys.executable, PYTHON_BASELINE, "--json"], stdout=subprocess.PIPE).stdout
    return json.loads(out.strip().splitlines()[-1])


def ray_bench():
    """(Ray's figures, None), or (None, why not) when Ray is not importable."""
    python = os.environ.get("BENCH_RAY_PYTHON") or sys.executable
    if subprocess.run([python, "-c", "import ray"], capture_output=True).returncode != 0:
        return None, f"Ray is not importable by {python} (pip install -r requirements-ray.txt, or set BENCH_RAY_PYTHON)"
    out = run([python, RAY_BASELINE, "--json"], stdout=subprocess.PIPE).stdout
    return json.loads(out.strip().splitlines()[-1]), None


def figure(x):
    """Thousands separated; small figures keep three decimals."""
    if x is None:
        return f"{'-':>14}"
    return f"{x:14,.3f}" if abs(x) < 10 else f"{x:14,.1f}"


def ratio(a, b, lower_is_better):
    if not a or not b or lower_is_better is None:
        return "       -"
    return f"{(b / a if lower_is_better else a / b):8.2f}"


def main():
    ours = java_bench(classpath())
    theirs = python_bench()
    ray, no_ray = ray_bench()
    if "--json" in sys.argv:
        print(json.dumps({"ours": ours, "python": theirs, "ray": ray}))
        return
    print(f"# Python {theirs.get('python')}, {theirs.get('cpus')} cpus; 'better' is how many times "
          "better ours is (above 1: ours wins)")
    print(f"{'metric':44} {'ours':>14} {'Python':>14} {'better':>8}")
    for label, ours_key, py_key, lower_is_better in ROWS:
        a = ours.get(ours_key)
        b = theirs.get(py_key) if py_key else None
        print(f"{label:44} {figure(a)} {figure(b)} {ratio(a, b, lower_is_better)}")
    print()
    print("# kernel-lib-cluster: 2 local server nodes (each a JVM) on this machine; 'local' is the same figure "
          "on this machine's shared memory or local pool; 'vs Ray' is how many times better the cluster is "
          "than Ray's multiprocessing.Pool" + (f" (Ray {ray.get('ray')})" if ray else f": no Ray here: {no_ray}"))
    print(f"{'metric':52} {'cluster':>14} {'local':>14} {'Ray':>14} {'vs Ray':>8}")
    for label, key, local_key, ray_key, lower_is_better in CLUSTER_ROWS:
        a = ours.get(key)
        b = ours.get(local_key) if local_key else None
        r = ray.get(ray_key) if ray and ray_key else None
        print(f"{label:52} {figure(a)} {figure(b)} {figure(r)} {ratio(a, r, lower_is_better)}")
    if ray and ray.get("ray_failover_outcome"):
        print(f"# Ray, a pool worker killed mid-map: {ray['ray_failover_outcome']} (its time above is until then)")


if __name__ == "__main__":
    main()
