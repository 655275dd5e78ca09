"""The kernelspec gives a notebook a cluster with no set-up cell, and local workers nothing of it.

kernel-lib-cluster and Apache Ignite's jars are on the kernel's class path and the kernel's JVM has
the module options every Ignite node needs on Java 17+; worker processes started on this machine are
not given those jars (a standby opens every jar it gets, and Ignite's core jar is one of the largest).
"""
import json
import os
import subprocess
import sys
from pathlib import Path


from test_cell_code import run
from test_nested_processes import kc  # noqa: F401  (the module's kernel client fixture)

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "java-multiprocessing"
CLUSTER_JAR = ROOT / "kernel-lib-cluster" / "target" / "kernel-lib-cluster.jar"


def cluster_jvm_options():
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
    out = subprocess.run([java, "-cp", str(CLUSTER_JAR), "org.kernellib.mp.cluster.JvmOptions"],
                         check=True, capture_output=True, text=True).stdout.split()
    assert any(o.startswith("--add-opens=java.base/") for o in out), out
    return out


def test_the_kernelspec_has_the_cluster_jars_and_ignites_module_options(tmp_path):
    # Registered into a scratch environment that has the real JJava jar, as `make setup` does into .venv/.
    jjava = tmp_path / "share" / "jupyter" / "kernels" / "java"
    jjava.mkdir(parents=True)
    (jjava / "jjava.jar").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "kernels" / "java" / "jjava.jar")
    subprocess.run([sys.executable, str(ROOT / "tools" / "install_kernel.py"), "--prefix", str(tmp_path)],
                   check=True, capture_output=True, text=True)
    spec = json.loads((tmp_path / "share" / "jupyter" / "kernels" / KERNEL / "kernel.json").read_text())
    argv = spec["argv"]
    jvm_flags = argv[:argv.index("-jar")]
    missing = [o for o in cluster_jvm_options() if o not in jvm_flags]
    assert not missing, f"the kernel's JVM lacks {missing}"

    class_path = spec["env"]["JJAVA_CLASSPATH"].split(os.pathsep)
    names = [os.path.basename(e) for e in class_path]
    assert "kernel-lib-cluster.jar" in names and any(n.startswith("ignite-core-") for n in names), names
    assert len(names) == len(set(names)), "no jar twice (kernel-lib and ASM come with the notebook module)"
    omitted = next(a for a in jvm_flags if a.startswith("-Dkernellib.worker.omittedClassPath=")).split("=", 1)[1]
    omitted_names = {os.path.basename(e) for e in omitted.split(os.pathsep)}
    assert {"kernel-lib-cluster.jar"} | {n for n in names if n.startswith("ignite-core-")} <= omitted_names
    assert not any(n.startswith(("kernel-lib-0", "asm-", "tablesaw-")) for n in omitted_names), \
        f"workers need the core, ASM and what cells use: {omitted_names}"
    assert set(omitted.split(os.pathsep)) <= set(class_path)




def test_the_kernel_can_run_an_ignite_node_with_no_set_up_cell(kc):
    cell = run(kc, "var args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();\n"
                   'System.out.println("missing: " + org.kernellib.mp.cluster.JvmOptions.all().stream()'
                   ".filter(o -> !args.contains(o)).toList());\n"
                   'System.out.println("found " + org.apache.ignite.Ignition.class.getSimpleName());')
    assert cell.error is None, cell.error
    assert cell.stdout.splitlines() == ["missing: []", "found Ignition"], cell.stdout


def test_local_workers_are_not_given_the_cluster_jars(kc):
    cell = run(kc, 'Process p = new Process(() -> System.out.println("process: " + System.getProperty("java.class.path")));\n'
                   "p.start();\n"
                   "p.join();\n"
                   "try (Pool pool = new Pool(1)) {\n"
                   '    System.out.println("pool worker: " + pool.apply(x -> System.getProperty("java.class.path"), 0));\n'
                   "}")
    assert cell.error is None, cell.error
    paths = dict(line.split(": ", 1) for line in cell.stdout.splitlines() if ": " in line)
    assert set(paths) == {"process", "pool worker"}, cell.stdout
    for who, class_path in paths.items():
        names = [os.path.basename(e) for e in class_path.split(os.pathsep)]
        # They do get the rest of the kernel's class path: what a cell's code may use.
        assert any(n.startswith("tablesaw-core-") for n in names), (who, names)
        assert not [n for n in names if n.startswith("ignite-") or n == "kernel-lib-cluster.jar"], (who, names)


def test_a_local_clusters_servers_map_the_class_data_archive_built_at_set_up(kc):
    """A server JVM loads some 3 000 classes of Ignite's as it starts; set-up archives them once
    (kernel-lib-cluster's ServerArchive, for the kernel's class path), and every server maps that
    archive: a notebook's local cluster starts about a third of a second sooner."""
    cell = run(kc, "var archived = org.kernellib.mp.cluster.Cluster.startLocal(1);\n"
                   'System.out.println("server " + archived.localServers().get(0).pid());')
    assert cell.error is None, cell.error
    pid = int(cell.stdout.split()[-1])
    try:
        maps = open(f"/proc/{pid}/maps").read()
        assert "/cds/server-" in maps and ".jsa" in maps, "the server JVM does not map its class-data archive"
    finally:
        closed = run(kc, "archived.close();")
    assert closed.error is None, closed.error
