#!/usr/bin/env python3
"""Registers the notebooks' Java kernel inside this repository's virtual environment.

The JJava wheel ships its jars and a generic kernelspec; this writes a second kernelspec,
`java-multiprocessing`, next to it in <venv>/share/jupyter/kernels/ (so nothing is installed for
the user or the system) whose JVM is the `java` the README names and whose class path carries
kernel-lib-notebook and its runtime dependencies: kernel-lib (the core), Tablesaw, XChart, and
kernel-lib-cluster with Apache Ignite, whose module options the kernel's JVM gets too, so a notebook
can start or join a cluster with no set-up cell. Every notebook names this kernelspec in its
metadata, and Jupyter in the environment is configured to offer only it.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KERNEL_NAME = "java-multiprocessing"
ROOT = Path(__file__).resolve().parent.parent
# The kernel JVM's class-data-sharing archive, next to kernel.json (see build_archive).
ARCHIVE = "kernel.jsa"
# A JVM that cannot use the archive (another JDK, a changed jar) loads classes as usual, silently.
QUIET_CDS = ["-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
# What the lessons do, in short, so that the archive holds the classes they load: JShell compiling
# declarations, lambdas and records; tables and charts drawn as PNG; processes, shared values,
# locks, barriers, queues, a pool and a manager.
TRAINING = [
    "record Point(int x, double y) {}\n"
    "long square(int n) { return (long) n * n; }\n"
    "List<Point> points = IntStream.range(0, 10).mapToObj(i -> new Point(i, Math.sqrt(i))).collect(Collectors.toList());\n"
    "System.out.println(String.format(\"%,d %.2f %s\", square(3), points.get(2).y(), points));",
    "Table.create(\"t\", IntColumn.create(\"n\", 1, 2), DoubleColumn.create(\"d\", 1.5, 2.5), StringColumn.create(\"s\", \"a\", \"b\"))",
    "XYChart xy = Charts.xy(\"xy\", \"x\", \"y\");\n"
    "xy.getStyler().setXAxisLogarithmic(true);\n"
    "xy.addSeries(\"s\", new double[] {1, 10, 100}, new double[] {1, 4, 9}).setMarker(SeriesMarkers.NONE);\n"
    "xy",
    "CategoryChart bars = Charts.bars(\"bars\", \"x\", \"y\");\n"
    "bars.addSeries(\"s\", List.of(\"a\", \"b\"), List.of(1, 2));\n"
    "bars",
    "IntValue v = intValue(0);\n"
    "Lock lock = lock();\n"
    "Barrier gate = barrier(2);\n"
    "Queue<Integer> q = queue();\n"
    "Process p = new Process(() -> { gate.await(); try (Held h = lock.hold()) { v.set(v.get() + 1); } q.put(7); "
    "System.out.println(\"worker \" + currentProcess().pid()); });\n"
    "p.start();\n"
    "gate.await();\n"
    "System.out.println(q.get() + \" \" + p.output().size());\n"
    "p.join();\n"
    "for (SharedObject o : List.of(v, lock, gate)) o.unlink();\n"
    "q.close(); q.unlink();",
    "Pool pool = new Pool(2);\n"
    "System.out.println(pool.map(x -> x * x, List.of(1, 2, 3, 4)));\n"
    "Charts.timeline(\"chunks\", pool.timeline());\n"
    "pool.close();\n"
    "pool.join();",
    "try (Manager m = manager()) {\n"
    "    DictProxy<String, Integer> d = m.dict();\n"
    "    d.merge(\"a\", 1, Integer::sum);\n"
    "    System.out.println(d);\n"
    "}",
]


def kernel_classpath() -> list:
    """The notebook module's jar, then every jar `mvn package` copied to its target/lib/ (the
    core kernel-lib jar among them, which with ASM's is all a worker process boots from)."""
    target = ROOT / "kernel-lib-notebook" / "target"
    jar = target / "kernel-lib-notebook.jar"
    deps = sorted(str(p) for p in (target / "lib").glob("*.jar"))
    if not jar.is_file() or not any(os.path.basename(d).startswith("kernel-lib-") for d in deps):
        sys.exit(f"error: {jar} or its target/lib/ is missing; build both modules first with "
                 "`mvn -q package -DskipTests` in the repository root (or `make setup`)")
    return [str(jar)] + deps


def cluster_classpath() -> list:
    """kernel-lib-cluster's jar and the jars of its runtime dependencies (Ignite's) that the kernel's
    class path lacks: the kernel joins a cluster as a client node, and starts local servers with them."""
    target = ROOT / "kernel-lib-cluster" / "target"
    jar = target / "kernel-lib-cluster.jar"
    kernel_jars = {os.path.basename(j) for j in kernel_classpath()}
    deps = sorted(str(p) for p in (target / "lib").glob("*.jar") if p.name not in kernel_jars)
    if not jar.is_file() or not any(os.path.basename(d).startswith("ignite-core-") for d in deps):
        sys.exit(f"error: {jar} or its target/lib/ is missing; build every module first with "
                 "`mvn -q package -DskipTests` in the repository root (or `make setup`)")
    return [str(jar)] + deps


def cluster_jvm_options(java: str, cluster_jar: str) -> list:
    """The module options every JVM that runs an Ignite node needs on Java 17+ (Ignite's own list),
    as kernel-lib-cluster's JvmOptions gives them to its server JVMs: one list, in one place."""
    out = subprocess.run([java, "-cp", cluster_jar, "org.kernellib.mp.cluster.JvmOptions"],
                         check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.strip()]


def resolve_java(java: str) -> str:
    found = shutil.which(java) if os.sep not in java else java
    if not found or not os.access(found, os.X_OK):
        sys.exit(f"error: no java at '{java}'; install Java 17+ or set JAVA_HOME")
    return str(Path(found).resolve())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java")
                        if os.environ.get("JAVA_HOME") else "java")
    parser.add_argument("--prefix", default=sys.prefix, help="environment to register the kernel in")
    parser.add_argument("--no-archive", action="store_true", help="register the kernel without building its class-data archive")
    args = parser.parse_args()

    kernels = Path(args.prefix) / "share" / "jupyter" / "kernels"
    jjava = kernels / "java"
    if not (jjava / "jjava.jar").is_file():
        sys.exit(f"error: {jjava / 'jjava.jar'} is missing; install the pinned jjava with pip first")

    spec_dir = kernels / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    # JJava's launcher would start a second JVM (on whatever `java` is first on PATH) with these
    # same flags. Starting the kernel JVM directly makes it the process Jupyter manages, so an
    # interrupt, restart or kill reaches it, and it runs on exactly the java named here.
    java = resolve_java(args.java)
    cluster = cluster_classpath()
    spec = {
        "argv": [java, "-Djava.awt.headless=true",
                 "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED",
                 *cluster_jvm_options(java, cluster[0]),
                 # Local worker processes are not given the cluster's jars: a standby opens every
                 # jar it gets, and Ignite's core jar is one of the two largest (a cluster's servers
                 # do get them).
                 f"-Dkernellib.worker.omittedClassPath={os.pathsep.join(cluster)}",
                 "-jar", str(jjava / "jjava.jar"), "{connection_file}"],
        "display_name": "Java (multiprocessing)",
        "language": "java",
        "interrupt_mode": "message",
        "env": {
            "JJAVA_CLASSPATH": os.pathsep.join(kernel_classpath() + cluster),
        },
        "metadata": {},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=2) + "\n")
    for logo in jjava.glob("logo-*.png"):
        shutil.copy(logo, spec_dir / logo.name)
    print(f"registered kernel '{KERNEL_NAME}' in {spec_dir}")
    configure_jupyter(Path(args.prefix))
    if not args.no_archive:
        archive = build_archive(spec, spec_dir / ARCHIVE)
        if archive is not None:
            spec["argv"][1:1] = [f"-XX:SharedArchiveFile={archive}"] + QUIET_CDS
            (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=2) + "\n")
            print(f"the kernel JVM maps the classes it loads from {archive}")


def build_archive(spec: dict, archive: Path, timeout: float = 600):
    """Builds the kernel JVM's AppCDS archive; returns its path, or None when it could not be made.

    A kernel starts by loading thousands of classes (JJava, JShell and javac, kernel-lib, the
    charts' Java2D), and every cell's compilation loads more; the workers already map theirs from
    an archive (kernel-lib's start.CdsArchive). This runs a kernel with the same command once, with
    -XX:ArchiveClassesAtExit, through the TRAINING cells, and asks it to shut down: at its exit the
    JVM writes the classes it loaded, parsed and verified, which every kernel then maps instead.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    archive.unlink(missing_ok=True)
    dumped = archive.with_name(archive.name + f".tmp-{os.getpid()}")
    with tempfile.TemporaryDirectory() as kernels:
        training = dict(spec, argv=spec["argv"][:1] + [f"-XX:ArchiveClassesAtExit={dumped}"] + QUIET_CDS + spec["argv"][1:])
        (Path(kernels) / "training").mkdir()
        (Path(kernels) / "training" / "kernel.json").write_text(json.dumps(training))
        km = KernelManager(kernel_name="training", kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
        with tempfile.TemporaryDirectory() as cwd:
            km.start_kernel(cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                failed = train(km, timeout)
                # The archive is written as the JVM exits, after the shut-down was answered.
                km.request_shutdown()
                deadline = time.monotonic() + timeout
                while km.is_alive() and time.monotonic() < deadline:
                    time.sleep(0.2)
            finally:
                km.shutdown_kernel(now=True)
    if failed or not dumped.is_file():
        dumped.unlink(missing_ok=True)
        print(f"note: no class-data archive for the kernel ({failed or 'the training kernel wrote none'}); "
              "kernels start without one", file=sys.stderr)
        return None
    dumped.replace(archive)
    return archive


def train(km, timeout: float):
    """Runs the TRAINING cells; returns None, or what went wrong."""
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
        for code in TRAINING:
            reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                return f"a training cell failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}"
        return None
    except (RuntimeError, TimeoutError) as e:  # the kernel did not start or answer in time
        return f"the training kernel: {e}"
    finally:
        kc.stop_channels()


def configure_jupyter(prefix: Path) -> None:
    """Jupyter in this environment offers only this kernel, shows it idle once started, and no news.

    The JJava wheel's generic kernelspec ("Java (jjava)") stays on disk, because this kernel runs
    its jar, but is not offered: a notebook started on it lacks kernel-lib and fails with `cannot
    find symbol`. The settings live in the environment's own config directory (<venv>/etc/jupyter),
    so nothing outside the repository changes.
    """
    etc = prefix / "etc" / "jupyter"
    # (jupyter_server_config.d/ only enables extensions; general settings go in this file.)
    update_json(etc / "jupyter_server_config.json", ["KernelSpecManager", "allowed_kernelspecs"], [KERNEL_NAME])
    # JupyterLab ignores status messages answering "untracked" requests, kernel_info among them,
    # and JJava, unlike ipykernel, announces no state of its own when it starts: the status bar
    # said "Unknown" until the first cell ran. Tracking kernel_info lets its idle status through.
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
    untracked = MappingKernelManager.class_traits()["untracked_message_types"].default()
    update_json(etc / "jupyter_server_config.json", ["MappingKernelManager", "untracked_message_types"],
                [t for t in untracked if t not in ("kernel_info_request", "kernel_info_reply")])
    update_json(etc / "labconfig" / "page_config.json",
                ["disabledExtensions", "@jupyterlab/apputils-extension:announcements"], True)
    print(f"Jupyter in {prefix} offers only '{KERNEL_NAME}'; JupyterLab's news is off")


def update_json(path: Path, keys: list, value) -> None:
    """Sets one nested key of a JSON config file, keeping whatever else it holds."""
    config = json.loads(path.read_text()) if path.is_file() else {}
    node = config
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2) + "\n")


if __name__ == "__main__":
    main()
