#!/usr/bin/env python3
"""Process benchmark: kernel-lib's workers next to Python multiprocessing, measured in one run.

    python3 tools/bench.py            # a table: metric, ours, Python's, ratio (ours / Python)
    python3 tools/bench.py --json     # both JSON objects, merged under "ours" and "python"

Steps: package kernel-lib (jar in target/, runtime dependencies in target/lib/, the layout a
kernel uses), build the worker AppCDS archive for this JVM, run the Java benchmark main, run
../shared/bench/python_baseline.py --json (relative to the repository root). Timings are medians.
To add a row, append to ROWS: (label, key in the Java JSON, key in the Python JSON or None).
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = os.path.join(ROOT, "kernel-lib")
TARGET = os.path.join(MODULE, "target")
PYTHON_BASELINE = os.path.join(ROOT, "..", "shared", "bench", "python_baseline.py")

ROWS = [
    ("start->join, cold (ms)", "start_join_ms_cold", "start_join_ms_spawn"),
    ("start->join, prestart vs forkserver (ms)", "start_join_ms_prestart", "start_join_ms_forkserver"),
    ("worker peak RSS (MiB)", "worker_peak_rss_mib", None),
]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, **kw)


def classpath():
    run(["mvn", "-q", "-pl", "kernel-lib", "package", "-DskipTests"], cwd=ROOT)
    cp_file = os.path.join(TARGET, "bench-classpath.txt")
    run(["mvn", "-q", "-pl", "kernel-lib", "dependency:build-classpath",
         "-Dmdep.outputFile=" + cp_file], cwd=ROOT)
    with open(cp_file) as f:
        deps = [e for e in f.read().strip().split(os.pathsep) if e]
    lib = os.path.join(TARGET, "lib")
    packaged = sorted(os.path.join(lib, j) for j in os.listdir(lib) if j.endswith(".jar"))
    names = {os.path.basename(j) for j in packaged}
    # The jar first and its packaged dependencies next: that is the workers' boot class path.
    entries = [os.path.join(TARGET, "kernel-lib.jar")] + packaged
    entries += [os.path.join(TARGET, "test-classes")]
    entries += [d for d in deps if os.path.basename(d) not in names]
    return os.pathsep.join(entries)


def java_bench(cp):
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
    run([java, "-cp", cp, "org.kernellib.mp.start.CdsArchive"], stdout=subprocess.DEVNULL)
    out = run([java, "-cp", cp, "org.kernellib.mp.bench.ProcessBench"], stdout=subprocess.PIPE).stdout
    return json.loads(out.strip().splitlines()[-1])


def python_bench():
    out = run([sys.executable, PYTHON_BASELINE, "--json"], stdout=subprocess.PIPE).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ours = java_bench(classpath())
    theirs = python_bench()
    if "--json" in sys.argv:
        print(json.dumps({"ours": ours, "python": theirs}))
        return
    print(f"{'metric':44} {'ours':>10} {'Python':>10} {'ratio':>7}")
    for label, ours_key, py_key in ROWS:
        a = ours.get(ours_key)
        b = theirs.get(py_key) if py_key else None
        ratio = f"{a / b:7.2f}" if a is not None and b else "      -"
        fa = f"{a:10.1f}" if a is not None else "         -"
        fb = f"{b:10.1f}" if b is not None else "         -"
        print(f"{label:44} {fa} {fb} {ratio}")


if __name__ == "__main__":
    main()
