#!/usr/bin/env python3
"""The soak test with fault injection: kernel-lib's workloads while their workers are killed and frozen.

    python3 tools/soak.py --seconds 45      # the short run inside `make test`
    make soak MINUTES=10                    # the long run

Runs org.kernellib.mp.soak.Soak (test sources) for the given time; it prints its table of
invariants and a JSON line. Once that JVM has exited, this script adds what only an outsider can
check: worker processes still running (found by a marker in their environment, which every worker
inherits) and shared-memory files left in the runtime directory of that JVM. Exit status 0 when
every row holds.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time
import uuid

import bench

MARKER = "KERNELLIB_SOAK_RUN"


def leftover_processes(marker: str):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if f"{MARKER}={marker}".encode() in f.read().split(b"\0"):
                    found.append(int(pid))
        except OSError:
            continue
    return found


def start_millis(pid: int):
    """A process's start time in epoch milliseconds, computed as the JDK's ProcessHandle does on
    Linux (boot time plus /proc/<pid>/stat's start ticks), so it equals the start part of the
    runtime directory's name; None when the process is gone."""
    try:
        with open("/proc/stat") as f:
            btime = next(int(line.split()[1]) for line in f if line.startswith("btime"))
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except (OSError, StopIteration):
        return None
    ticks = int(stat[stat.rindex(")") + 2:].split()[19])
    return btime * 1000 + ticks * 1000 // os.sysconf("SC_CLK_TCK")


def identities(pids):
    """kernel-lib-<pid>-<start millis>-: the runtime directory prefix of each process still there."""
    found = set()
    for pid in pids:
        start = start_millis(pid)
        if start is not None:
            found.add(f"kernel-lib-{pid}-{start}-")
    return found


def leftover_files(owners, base=None):
    """Runtime directories of the soak JVM or any of its workers. Matched on pid and start time,
    not the pid alone: a 10-minute soak goes through the pids several times (pid_max 32768 here),
    and a pid it once saw may name another program's JVM, with a directory of its own, by the end."""
    base = base or ("/dev/shm" if os.path.isdir("/dev/shm") else "/tmp")
    prefixes = tuple(owners)
    return [os.path.join(base, n) for n in os.listdir(base) if n.startswith(prefixes)]


def watch_workers(marker: str, seen: set, done: threading.Event):
    """Remembers every process that carried the marker while the soak ran (workers come and go)."""
    while not done.wait(0.5):
        seen.update(identities(leftover_processes(marker)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--only", help="comma-separated workload names to run (default: all)")
    args = parser.parse_args()

    cp = bench.classpath()
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
    marker = uuid.uuid4().hex
    env = dict(os.environ, **{MARKER: marker})
    cmd = [java, "-cp", cp] + ([f"-Dsoak.only={args.only}"] if args.only else [])
    cmd += ["org.kernellib.mp.soak.Soak", str(args.seconds)]
    if args.seed is not None:
        cmd.append(str(args.seed))
    soak = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    workers, done = identities([soak.pid]), threading.Event()
    threading.Thread(target=watch_workers, args=(marker, workers, done), daemon=True).start()
    lines = []
    for line in soak.stdout:
        lines.append(line)
        if not line.startswith("{"):
            print(line, end="", flush=True)
    status = soak.wait()
    done.set()
    if status != 0:
        # A soak JVM that ends without its table must at least say how it ended.
        how = f"killed by signal {-status}" if status < 0 else f"exit status {status}"
        print(f"soak JVM (pid {soak.pid}) ended: {how}", flush=True)
    result = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {"ok": False, "rows": []}

    # Workers watch their parent and end within a second or so of it; give them a moment.
    deadline = time.monotonic() + 5
    procs = leftover_processes(marker)
    while procs and time.monotonic() < deadline:
        time.sleep(0.2)
        procs = leftover_processes(marker)
    files = leftover_files(workers)
    fmt = "%-14s %-52s %-22s %-12s %s"
    print(fmt % ("after exit", "worker processes still running", len(procs), "= 0", "" if not procs else "FAILED"))
    print(fmt % ("after exit", "runtime directories left in /dev/shm", len(files), "= 0", "" if not files else "FAILED"))
    if procs:
        print("  still running:", procs)
    if files:
        print("  left:", files)
    ok = status == 0 and result.get("ok") and not procs and not files
    print("soak:", "every invariant held" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
