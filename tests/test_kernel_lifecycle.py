"""Workers never outlive what owns them: an interrupted cell, or a kernel that is killed or restarted.

These drive the real kernel through jupyter_client, the way JupyterLab does, and check by PID.
"""
import glob
import os
import re
import shutil
import signal
import time

import psutil
import pytest
from jupyter_client.manager import KernelManager

KERNEL = "java-multiprocessing"
SLEEPERS = """
long[] pids = new long[2];
Process[] sleepers = new Process[2];
for (int i = 0; i < 2; i++) {
    sleepers[i] = new Process(() -> Thread.sleep(60_000));
    sleepers[i].start();
    pids[i] = sleepers[i].pid();
}
System.out.println("workers " + pids[0] + " " + pids[1]);
"""


@pytest.fixture
def kernel():
    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    yield km, kc
    kc.stop_channels()
    # Also after the kernel was killed: this closes the manager's sockets, without which the
    # interpreter waits for them at exit. A live kernel is asked to shut down, as Jupyter does,
    # so it removes its own shared-memory directory.
    killed = not km.is_alive()
    pid = km.provisioner.process.pid if km.provisioner else None
    km.shutdown_kernel(now=killed)
    if killed and pid:
        # A SIGKILLed kernel cannot remove its directory; the next kernel would sweep it (a test
        # above checks that). Remove it here so a test run leaves nothing in /dev/shm.
        for d in glob.glob(f"/dev/shm/kernel-lib-{pid}-*"):
            shutil.rmtree(d, ignore_errors=True)


def shell_reply(kc, msg_id, timeout):
    """The execute_reply to this request (other replies on the shell channel are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        reply = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def run(kc, code, timeout=120):
    """Executes a cell; returns (reply, text printed on stdout)."""
    msg_id = kc.execute(code)
    reply = shell_reply(kc, msg_id, timeout)
    return reply, drain_stdout(kc, msg_id)


def drain_stdout(kc, msg_id, until=None, timeout=60):
    """Reads the cell's stdout from iopub until it goes idle (or `until` matches the text so far)."""
    text, deadline = "", time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except Exception:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            text += msg["content"]["text"]
            if until and re.search(until, text):
                return text
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle" and not until:
            return text
    return text


def worker_pids(text):
    match = re.search(r"workers (\d+) (\d+)", text)
    assert match, f"the cell did not report its workers: {text!r}"
    return [int(match.group(1)), int(match.group(2))]


def running(pid):
    """Whether the process exists and is not a zombie; it may vanish between any two questions."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def gone_within(pids, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if running(p)]
        if not alive:
            return []
        time.sleep(0.05)
    return alive


def test_interrupting_join_returns_quickly_and_ends_the_cells_workers(kernel):
    km, kc = kernel
    msg_id = kc.execute(SLEEPERS + "for (Process p : sleepers) p.join();\nSystem.out.println(\"joined\");")
    pids = worker_pids(drain_stdout(kc, msg_id, until=r"workers \d+ \d+"))
    assert all(psutil.pid_exists(p) for p in pids)
    time.sleep(0.5)  # the cell is now blocked in join()

    interrupted = time.monotonic()
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=10)
    returned = time.monotonic() - interrupted
    assert reply["content"]["status"] in ("error", "abort"), "an interrupted join must not look like success"
    assert returned < 1.0, f"the interrupted cell took {returned:.2f} s to return"
    assert gone_within(pids, 2.0) == [], "workers of the interrupted cell outlived it"

    reply, text = run(kc, 'System.out.println("still " + (1 + 1));')
    assert reply["content"]["status"] == "ok" and "still 2" in text, "the kernel must stay usable"


def test_a_kernel_asked_to_shut_down_exits_at_once(kernel):
    """Jupyter asks the kernel to shut down, then waits only briefly before it signals (jupyter_client:
    SIGTERM after 2.5 s, SIGKILL after 5 s): the JVM must end on the request, not on the signal."""
    km, kc = kernel
    reply, text = run(kc, "var shared = intValue(0);\n" + SLEEPERS)
    pids = worker_pids(text)
    kernel_pid = km.provisioner.process.pid
    km.request_shutdown()
    assert gone_within([kernel_pid], 2.0) == [], "the kernel was still running 2 s after it was asked to shut down"
    assert gone_within(pids, 1.0) == [], "workers outlived a kernel that shut down"
    assert not glob.glob(f"/dev/shm/kernel-lib-{kernel_pid}-*"), "the kernel left its runtime directory behind"


def test_the_kernel_maps_the_class_data_archive_built_at_set_up(kernel):
    """A kernel JVM loads thousands of classes (JJava, JShell and javac, the charts' Java2D); set-up
    archives them once (tools/install_kernel.py), and every kernel maps that archive."""
    km, kc = kernel
    reply, text = run(kc, 'System.out.println("ready");')
    maps = open(f"/proc/{km.provisioner.process.pid}/maps").read()
    assert "/kernel.jsa" in maps, "the kernel JVM does not map its class-data archive"


def test_killing_the_kernel_ends_every_worker(kernel):
    km, kc = kernel
    # The shared Value gives the kernel a runtime directory in /dev/shm (processes alone need none).
    reply, text = run(kc, "var shared = intValue(0);\n" + SLEEPERS)
    assert reply["content"]["status"] == "ok"
    pids = worker_pids(text)
    kernel_pid = km.provisioner.process.pid
    assert all(psutil.Process(p).ppid() == kernel_pid for p in pids), "workers are the kernel's children"

    os.kill(kernel_pid, signal.SIGKILL)
    assert gone_within(pids, 2.0) == [], "workers outlived a SIGKILLed kernel"

    # A SIGKILLed kernel cannot remove its shared-memory directory; the next kernel sweeps it.
    left = glob.glob(f"/dev/shm/kernel-lib-{kernel_pid}-*")
    assert left, "the killed kernel's runtime directory should still be there"
    km2 = KernelManager(kernel_name=KERNEL)
    km2.start_kernel()
    try:
        kc2 = km2.client()
        kc2.start_channels()
        kc2.wait_for_ready(timeout=120)
        deadline = time.monotonic() + 30
        while any(os.path.exists(d) for d in left) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(os.path.exists(d) for d in left), "the next kernel did not sweep the dead one's directory"
        kc2.stop_channels()
    finally:
        km2.shutdown_kernel()


def test_restarting_the_kernel_ends_every_worker(kernel):
    km, kc = kernel
    reply, text = run(kc, SLEEPERS)
    pids = worker_pids(text)
    km.restart_kernel(now=False)
    assert gone_within(pids, 2.0) == [], "workers outlived a kernel restart"


def test_interrupting_a_pool_map_cancels_it_and_the_pool_stays_usable(kernel):
    km, kc = kernel
    reply, text = run(kc, 'Pool pool = new Pool(2);\nSystem.out.println("pool ready " + pool.processes());')
    assert "pool ready 2" in text, text
    msg_id = kc.execute("List<Integer> never = pool.map(x -> { Thread.sleep(60_000); return x; }, List.of(1, 2, 3, 4));")
    time.sleep(1.5)  # the workers are now inside the sleeping chunks
    interrupted = time.monotonic()
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=10)
    returned = time.monotonic() - interrupted
    assert reply["content"]["status"] in ("error", "abort")
    assert returned < 1.0, f"the interrupted map took {returned:.2f} s to return"

    reply, text = run(kc, "System.out.println(pool.map(x -> x * 2, List.of(1, 2, 3)));")
    assert reply["content"]["status"] == "ok" and "[2, 4, 6]" in text, text


def test_killing_the_kernel_ends_the_pool_workers(kernel):
    km, kc = kernel
    reply, text = run(kc, 'Pool pool = new Pool(2);\nSystem.out.println("workers " + pool.allWorkerPids().get(0) + " " + pool.allWorkerPids().get(1));')
    pids = worker_pids(text)
    os.kill(km.provisioner.process.pid, signal.SIGKILL)
    assert gone_within(pids, 2.0) == [], "pool workers outlived a SIGKILLed kernel"


def test_interrupting_a_later_cell_spares_the_workers_of_earlier_cells(kernel):
    """Every cell runs on the same kernel thread; an interrupt must still end only its own cell's workers."""
    km, kc = kernel
    reply, text = run(kc, """
Process background = new Process(() -> Thread.sleep(120_000));
background.start();
Pool pool = new Pool(2);
System.out.println("workers " + background.pid() + " " + pool.allWorkerPids().get(0));
""")
    assert reply["content"]["status"] == "ok", reply["content"]
    earlier = worker_pids(text)
    pool_pids = set(int(p) for p in re.findall(r"\d+", run(kc, "System.out.println(pool.allWorkerPids());")[1]))

    msg_id = kc.execute(SLEEPERS + "for (Process p : sleepers) p.join();")
    later = worker_pids(drain_stdout(kc, msg_id, until=r"workers \d+ \d+"))
    time.sleep(0.5)  # the cell is now blocked in join()
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=10)
    assert reply["content"]["status"] in ("error", "abort")
    assert gone_within(later, 2.0) == [], "the interrupted cell's workers outlived it"

    assert all(running(p) for p in earlier + sorted(pool_pids)), "an earlier cell's workers were stopped"
    reply, text = run(kc, 'System.out.println(background.isAlive() + " " + pool.map(x -> x * 2, List.of(1, 2, 3)) + " " + pool.allWorkerPids());')
    assert reply["content"]["status"] == "ok", reply["content"]
    assert text.startswith("true [2, 4, 6]"), text
    assert set(int(p) for p in re.findall(r"\d+", text.split("]", 1)[1])) == pool_pids, "the pool lost workers"
    run(kc, "background.kill(); pool.terminate();")


def test_interrupting_a_join_in_a_worker_thread_of_the_cell_ends_that_threads_workers(kernel):
    """A thread the cell started keeps the thread as the unit: its interrupted join ends its own workers."""
    km, kc = kernel
    reply, text = run(kc, """
Process keep = new Process(() -> Thread.sleep(60_000));
keep.start();
long[] started = new long[1];
Thread t = new Thread(() -> {
    Process mine = new Process(() -> Thread.sleep(60_000));
    mine.start();
    started[0] = mine.pid();
    try { mine.join(); } catch (RuntimeException e) { System.out.println("joined: " + e.getMessage()); }
});
t.start();
while (started[0] == 0) Thread.sleep(10);
Thread.sleep(300);
t.interrupt();
t.join();
System.out.println("workers " + keep.pid() + " " + started[0]);
""")
    assert reply["content"]["status"] == "ok", reply["content"]
    keep, mine = worker_pids(text)
    assert "stopped the workers started by thread" in text, text
    assert gone_within([mine], 2.0) == []
    assert running(keep), "the cell's own worker was stopped by another thread's interrupt"
    run(kc, "keep.kill();")
