"""Cell code written the way a learner writes it behaves as the learner expects: worker text in any
language and locale, a worker's threads, errors that point at the cell, the library's types by name.

One real kernel (through jupyter_client, as JupyterLab drives it) runs every test here, started under
LANG=C / LC_ALL=C, the locale of many containers, in which a JVM's own default is ASCII.
"""
import os
import re
import time

import pytest
from jupyter_client.manager import KernelManager
from test_kernel_lifecycle import drain_stdout, gone_within, running, shell_reply

KERNEL = "java-multiprocessing"
# CJK (3 bytes each in UTF-8), emoji with a skin-tone modifier (4 + 4), e + combining acute (1 + 2):
# 2 000 repeats make a 10 000-character line, far longer than one read of a pipe.
PIECE = "漢字😀👍🏽e\u0301"
LINE = PIECE * 2000


@pytest.fixture(scope="module")
def kernel():
    km = KernelManager(kernel_name=KERNEL)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="C", LC_ALL="C")
    km.start_kernel(env=env)
    client = km.client()
    client.start_channels()
    client.wait_for_ready(timeout=120)
    yield km, client
    client.stop_channels()
    km.shutdown_kernel()


@pytest.fixture
def kc(kernel):
    return kernel[1]


class Cell:
    def __init__(self, reply):
        self.status = reply["content"]["status"]
        self.stdout = ""
        self.stderr = ""
        self.error = None  # the traceback JupyterLab shows, one string

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
    cell = Cell({"content": {"status": None}})
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=cell.hook)
    cell.status = reply["content"]["status"]
    return cell


def test_the_kernel_really_runs_under_the_c_locale(kc):
    cell = run(kc, 'System.out.println(System.getenv("LC_ALL") + " " + java.nio.charset.Charset.defaultCharset());')
    assert cell.stdout.split()[0] == "C", cell.stdout


def test_a_long_line_of_cjk_emoji_and_combining_marks_arrives_intact_on_both_streams(kc):
    cell = run(kc, f"""
String line = "{PIECE}".repeat(2000);
Process p = new Process(() -> {{
    System.out.println(line);
    System.err.println(line);
}});
p.start();
p.join();
""")
    assert cell.status == "ok", cell.error
    assert cell.stdout == LINE + "\n", f"stdout differs from char {first_difference(cell.stdout, LINE)}"
    assert cell.stderr == LINE + "\n", f"stderr differs from char {first_difference(cell.stderr, LINE)}"
    assert "\ufffd" not in cell.stdout + cell.stderr

    same = run(kc, 'System.out.println(p.output().size() + " " + p.output().stream().allMatch(l -> l.text().equals(line)));')
    assert same.stdout == "2 true\n", "output() must hold the same text the cell showed"


def test_short_non_ascii_prints_of_a_worker_read_as_printed(kc):
    cell = run(kc, """
Process p = new Process(() -> {
    System.out.println("Grüße, 世界 → ok");
    System.out.print("naïve ");
    System.out.println('é');
    System.err.printf("%s%n", "ошибка");
});
p.start();
p.join();
""")
    assert cell.status == "ok", cell.error
    assert cell.stdout == "Grüße, 世界 → ok\nnaïve é\n"
    assert cell.stderr == "ошибка\n"


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"{i}: {a[i:i + 5]!r} instead of {b[i:i + 5]!r}"
    return f"{min(len(a), len(b))} (lengths {len(a)} and {len(b)})"


def test_a_workers_non_daemon_threads_finish_before_it_exits(kc):
    cell = run(kc, """
Process p = new Process(() -> {
    Thread t = new Thread(() -> {
        try { Thread.sleep(700); } catch (InterruptedException e) { return; }
        System.out.println("thread finished its work");
    });
    t.start();
    Thread d = new Thread(() -> {
        try { Thread.sleep(60_000); } catch (InterruptedException e) { return; }
        System.out.println("a daemon thread must not hold the worker");
    });
    d.setDaemon(true);
    d.start();
    System.out.println("task returned");
});
p.start();
p.join();
System.out.println("exit code " + p.exitCode().getAsInt());
""")
    assert cell.status == "ok", cell.error
    assert cell.stdout == "task returned\nthread finished its work\nexit code 0\n"


def test_the_exit_code_is_the_tasks_even_when_its_threads_outlive_it(kc):
    cell = run(kc, """
Process p = new Process(() -> {
    new Thread(() -> {
        try { Thread.sleep(500); } catch (InterruptedException e) { return; }
        System.out.println("thread done");
    }).start();
    throw new IllegalStateException("the task failed");
});
p.start();
p.join();
System.out.println("exit code " + p.exitCode().getAsInt());
""")
    assert cell.status == "ok", cell.error
    assert cell.stdout == "thread done\nexit code 1\n"
    assert "the task failed" in cell.stderr


def test_terminate_and_kill_end_a_worker_whose_threads_still_run(kc):
    cell = run(kc, """
Task lingering = () -> new Thread(() -> {
    try { Thread.sleep(60_000); } catch (InterruptedException e) { }
}).start();
Process a = new Process(lingering);
Process b = new Process(lingering);
a.start();
b.start();
Thread.sleep(1500);
System.out.println("alive " + a.isAlive() + " " + b.isAlive());
a.terminate();
b.kill();
System.out.println("ended " + a.join(5_000) + " " + b.join(5_000) + " " + a.exitCode().getAsInt() + " " + b.exitCode().getAsInt());
""")
    assert cell.status == "ok", cell.error
    assert cell.stdout == "alive true true\nended true true -15 -9\n"


def test_a_cell_names_the_librarys_types_without_importing_them(kc):
    cell = run(kc, """
Connection[] ends = pipe();
Connection left = ends[0];
Barrier b = barrier(2);
List<Class<?>> named = List.of(Connection.class, Pipe.class, ProcessInfo.class, JoinInterruptedException.class,
        ProcessStartException.class, EmptyException.class, FullException.class, BrokenBarrierException.class,
        PoolException.class, PoolTaskException.class, PoolInterruptedException.class, WorkerDiedException.class,
        RemoteException.class, WaitInterruptedException.class, SemLock.class, ShutDownException.class);
named.forEach(c -> System.out.println(c.getName()));
""")
    assert cell.status == "ok", cell.error
    names = cell.stdout.split()
    assert len(names) == 16 and all(n.startswith("org.kernellib.mp.") for n in names), names


def test_a_workers_exception_names_notebook_lines_as_jjava_does_and_folds_the_plumbing(kc):
    assert run(kc, "class Boom extends RuntimeException { Boom(String m, Throwable c) { super(m, c); } }").status == "ok"
    assert run(kc, "int divide(int x) {\n    int y = 0;\n    return x / y;\n}").status == "ok"
    assert run(kc, "int boom(int x) {\n    try {\n        return divide(x);\n    } catch (ArithmeticException e) {\n        throw new Boom(\"no good\", e);\n    }\n}").status == "ok"
    # The same call in the kernel: JJava's own rendering of the frames.
    here = run(kc, "boom(1);")
    assert here.status == "error"
    jjava_frames = re.findall(r"at (\.(?:boom|divide)\(#\d+:\d+\))", re.sub(r"\x1b\[[0-9;]*m", "", here.error))
    assert len(jjava_frames) >= 2, here.error

    cell = run(kc, 'Process p = new Process(() -> boom(1));\np.start();\np.join();\nSystem.out.println("exit " + p.exitCode().getAsInt());')
    assert cell.status == "ok", cell.error
    assert cell.stdout == "exit 1\n"
    err = cell.stderr
    assert "Boom: no good" in err and "Caused by: java.lang.ArithmeticException: / by zero" in err, err
    for frame in set(jjava_frames):
        assert frame in err, f"JJava names this frame {frame}; the worker's trace does not:\n{err}"
    assert "$JShell$" not in err, err
    assert "frames in kernel-lib" in err, err
    assert not re.search(r"at (org\.kernellib|java\.base/java\.lang\.reflect|java\.base/jdk\.internal\.reflect)", err), err


def test_a_value_that_cannot_be_copied_is_named_once(kc):
    cell = run(kc, "Thread guard = new Thread(() -> {});\nProcess q = new Process(() -> System.out.println(guard.getName()));\nq.start();")
    assert cell.status == "error"
    shown = re.sub(r"\x1b\[[0-9;]*m", "", cell.error)
    assert shown.count("cannot copy the variable 'guard'") == 1, shown
    assert "$JShell$" not in shown, shown
    assert "java.lang.Thread" in shown


# What a cell may be blocked in when it is interrupted; none of it but join() is kernel-lib's waiting.
BLOCKED_IN = {
    "sleep": "Thread.sleep(120_000);",
    "join": "child.join();",
    "queue get": "queue().get();",
    "lock acquire": """
Lock taken = lock();
Thread holder = new Thread(() -> { taken.acquire(); try { Thread.sleep(120_000); } catch (InterruptedException e) { } });
holder.setDaemon(true);
holder.start();
while (!taken.isLocked()) Thread.sleep(10);
taken.acquire();""",
    # Ignores the interrupt; bounded, so that the spinning thread JJava leaves behind ends soon.
    "busy loop": "long spinUntil = System.nanoTime() + 6_000_000_000L;\nwhile (System.nanoTime() < spinUntil) { }",
}


@pytest.mark.parametrize("blocked_in", BLOCKED_IN)
def test_an_interrupt_ends_the_workers_of_the_interrupted_cell_and_no_others(kernel, blocked_in):
    km, kc = kernel
    earlier = run(kc, 'Process background = new Process(() -> Thread.sleep(120_000));\nbackground.start();\nSystem.out.println(background.pid());')
    assert earlier.status == "ok", earlier.error
    background = int(earlier.stdout)

    msg_id = kc.execute("""
Process child = new Process(() -> {
    Process grandchild = new Process(() -> Thread.sleep(120_000));
    grandchild.start();
    System.out.println("grandchild " + grandchild.pid());
    grandchild.join();
});
child.start();
System.out.println("child " + child.pid());
{
    System.out.println("blocking");
""" + BLOCKED_IN[blocked_in] + "\n}")
    # One snippet prints and blocks: JJava drops an interrupt that comes while it compiles a snippet.
    text = drain_stdout(kc, msg_id, until=r"(?ms)(?=.*^child \d+$)(?=.*^grandchild \d+$)(?=.*^blocking$)")
    pids = [int(re.search(rf"(?m)^{who} (\d+)$", text).group(1)) for who in ("child", "grandchild")]
    time.sleep(0.5)  # the cell is now blocked
    km.interrupt_kernel()
    assert shell_reply(kc, msg_id, timeout=10)["content"]["status"] in ("error", "abort")
    assert gone_within(pids, 3.0) == [], f"a worker of the cell interrupted in {blocked_in} outlived the interrupt"
    assert running(background), "an earlier cell's worker was stopped by a later cell's interrupt"

    after = run(kc, "System.out.println(background.isAlive());\nbackground.kill();")
    assert after.stdout == "true\n", (after.stdout, after.error)


def test_an_interrupt_between_two_statements_of_a_cell_still_interrupts_it(kernel):
    """JJava holds nothing to cancel while it compiles a cell's next statement; the interrupt must not be lost."""
    km, kc = kernel
    # A class of many methods: compiling it takes long enough for the interrupt to land meanwhile.
    slow_to_compile = "class Many {\n" + "".join(f"    int m{i}(int x) {{ return x * {i} + {i}; }}\n" for i in range(400)) + "}\n"
    msg_id = kc.execute('Process started = new Process(() -> Thread.sleep(120_000));\nstarted.start();\n'
                        'System.out.println("started " + started.pid());\n' + slow_to_compile + "Thread.sleep(120_000);")
    worker = int(re.search(r"started (\d+)", drain_stdout(kc, msg_id, until=r"started \d+")).group(1))
    km.interrupt_kernel()
    assert shell_reply(kc, msg_id, timeout=10)["content"]["status"] in ("error", "abort"), "the interrupt was lost"
    assert gone_within([worker], 3.0) == [], "the interrupted cell's worker outlived the interrupt"


def test_an_interrupt_while_the_kernel_is_idle_stops_nothing(kernel):
    km, kc = kernel
    cell = run(kc, 'Process idle = new Process(() -> Thread.sleep(120_000));\nidle.start();\nSystem.out.println(idle.pid());')
    assert cell.status == "ok", cell.error
    km.interrupt_kernel()
    time.sleep(1.0)
    assert running(int(cell.stdout)), "an interrupt of an idle kernel stopped the last cell's worker"
    after = run(kc, 'System.out.println("next cell runs " + idle.isAlive());\nidle.kill();')
    assert after.status == "ok" and after.stdout == "next cell runs true\n", (after.stdout, after.error)


def stream_text_for(kc, msg_id, until, timeout):
    """Text of the stdout stream messages whose parent is msg_id, read until it matches `until`."""
    text, deadline = "", time.monotonic() + timeout
    while not re.search(until, text) and time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        except Exception:  # queue.Empty at the deadline
            break
        if (msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout"
                and msg["parent_header"].get("msg_id") == msg_id):
            text += msg["content"]["text"]
    return text


def test_a_pool_callback_prints_in_the_cell_that_submitted_the_call_while_it_runs(kc):
    cell = run(kc, """
Pool callbacks = new Pool(1);
AsyncResult<Integer> r = callbacks.applyAsync((Integer x) -> x * 2, 21, v -> System.out.println("callback got " + v), null);
System.out.println("get " + r.get());
""")
    assert cell.status == "ok", cell.error
    assert cell.stdout == "callback got 42\nget 42\n", cell.stdout


def test_a_pool_callback_that_fires_while_another_cell_runs_prints_in_that_cell(kc):
    submitting = run(kc, 'callbacks.applyAsync((Integer x) -> { Thread.sleep(1500); return x + 1; }, 1,'
                         ' v -> System.out.println("callback got " + v), null);')
    assert submitting.status == "ok" and submitting.stdout == "", (submitting.stdout, submitting.error)
    running_now = run(kc, 'Thread.sleep(6000);\nSystem.out.println("slept");')
    assert running_now.stdout == "callback got 2\nslept\n", running_now.stdout


def test_a_pool_callback_that_fires_while_no_cell_runs_prints_in_the_cell_that_submitted_the_call(kc):
    """JJava alone sends what is printed between cells to the kernel's own log; a callback's goes to its cell."""
    reply = kc.execute_interactive('callbacks.applyAsync((Integer x) -> { Thread.sleep(1500); return x + 2; }, 1,'
                                   ' v -> System.out.println("late callback got " + v), null);', timeout=120)
    assert reply["content"]["status"] == "ok"
    submitted = reply["parent_header"]["msg_id"]
    text = stream_text_for(kc, submitted, until=r"late callback got 3\n", timeout=30)
    assert text == "late callback got 3\n", text
    assert run(kc, "callbacks.close();").status == "ok"
