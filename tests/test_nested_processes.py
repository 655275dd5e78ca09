"""A worker started from a cell starts workers of its own with cell code (methods, lambdas, records),
as the kernel does: their output reaches the cell, a failed start fails the worker, and killing the
worker in the middle ends the workers it started. One real kernel, through jupyter_client.
"""
import os
import re
import time

import pytest
from jupyter_client.manager import KernelManager

KERNEL = "java-multiprocessing"


@pytest.fixture(scope="module")
def kc():
    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel()
    client = km.client()
    client.start_channels()
    client.wait_for_ready(timeout=120)
    yield client
    client.stop_channels()
    km.shutdown_kernel()


class Cell:
    def __init__(self):
        self.status = None
        self.stdout = ""
        self.stderr = ""
        self.error = None

    def hook(self, msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            if content["name"] == "stdout":
                self.stdout += content["text"]
            else:
                self.stderr += content["text"]
        elif kind == "error":
            self.error = "\n".join(content["traceback"])


def run(kc, code, timeout=120):
    cell = Cell()
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=cell.hook)
    cell.status = reply["content"]["status"]
    return cell


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_worker_starts_a_process_and_a_pool_with_cell_code_and_their_output_reaches_the_cell(kc):
    cell = run(kc, """
record Order(String item, int qty) implements java.io.Serializable { }
int total(Order o) { return o.qty() * 10; }
List<Order> orders = List.of(new Order("tea", 2), new Order("jam", 3));
Process outer = new Process("outer", () -> {
    Process inner = new Process("inner", () ->
        System.out.println(currentProcess().name() + " of " + parentProcess().get().name() + ": " + total(orders.get(0))));
    inner.start();
    inner.join();
    try (Pool pool = new Pool(2)) {
        System.out.println("pool: " + pool.map(o -> total(o), orders));
    }
});
outer.start();
outer.join();
System.out.println("outer exit " + outer.exitCode().getAsInt());
""")
    assert cell.status == "ok", cell.error
    assert "inner of outer: 20\n" in cell.stdout, cell.stdout + cell.stderr
    assert "pool: [20, 30]\n" in cell.stdout, cell.stdout + cell.stderr
    assert cell.stdout.endswith("outer exit 0\n"), cell.stdout + cell.stderr


def test_a_nested_start_that_fails_fails_its_worker_with_the_error(kc):
    cell = run(kc, """
Process refuses = new Process("refuses", () -> {
    Object lock = new Object();
    new Process(() -> System.out.println(lock)).start();
});
refuses.start();
refuses.join();
System.out.println("refuses exit " + refuses.exitCode().getAsInt());
""")
    assert cell.status == "ok", cell.error
    assert "refuses exit 1\n" in cell.stdout, cell.stdout + cell.stderr
    assert "cannot start" in cell.stderr and "java.lang.Object" in cell.stderr, cell.stderr


def test_killing_the_middle_worker_ends_the_workers_it_started(kc):
    cell = run(kc, """
void nap() { try { Thread.sleep(600_000); } catch (InterruptedException e) { } }
Process middle = new Process(() -> {
    Process grandchild = new Process(() -> nap());
    grandchild.start();
    Pool pool = new Pool(1);
    pool.map(x -> x, List.of(1));
    System.out.println("descendants " + grandchild.pid() + " " + pool.allWorkerPids().get(0));
    nap();
});
middle.start();
while (middle.output().stream().noneMatch(l -> l.text().startsWith("descendants"))) Thread.sleep(50);
""")
    assert cell.status == "ok", cell.error
    pids = [int(p) for p in re.search(r"descendants (\d+) (\d+)", cell.stdout).groups()]
    assert all(alive(p) for p in pids), pids
    killed = run(kc, "middle.kill(); middle.join(); System.out.println(middle.exitCode().getAsInt());")
    assert killed.stdout == "-9\n", killed.stdout + killed.stderr
    deadline = time.monotonic() + 20
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in pids if alive(p)], "still running 20 s after their parent was killed"


def test_a_grandchilds_exception_names_notebook_lines_as_jjava_does(kc):
    assert run(kc, "int crash(int x) {\n    return x / 0;\n}").status == "ok"
    here = run(kc, "crash(1);")
    assert here.status == "error"
    jjava_frames = re.findall(r"at (\.crash\(#\d+:\d+\))", re.sub(r"\x1b\[[0-9;]*m", "", here.error))
    assert jjava_frames, here.error

    cell = run(kc, """
Process parent = new Process(() -> {
    Process child = new Process(() -> crash(1));
    child.start();
    child.join();
    System.out.println("child exit " + child.exitCode().getAsInt());
});
parent.start();
parent.join();
""")
    assert cell.status == "ok", cell.error
    assert cell.stdout == "child exit 1\n", cell.stdout + cell.stderr
    assert "java.lang.ArithmeticException: / by zero" in cell.stderr, cell.stderr
    assert jjava_frames[0] in cell.stderr, f"JJava names the frame {jjava_frames[0]}; the grandchild's trace does not:\n{cell.stderr}"
    assert "$JShell$" not in cell.stderr, cell.stderr
