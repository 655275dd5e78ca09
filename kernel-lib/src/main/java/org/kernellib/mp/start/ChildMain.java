package org.kernellib.mp.start;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.connection.FrameDescriptor;
import org.kernellib.mp.connection.FrameIO;
import org.kernellib.mp.process.CurrentProcess;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.serial.CellTrace;
import org.kernellib.mp.serial.ShippedClassLoader;
import org.kernellib.mp.serial.TaskPayload;

/**
 * The main class of every worker JVM: {@code ChildMain spawn|standby}.
 *
 * <p>Order of events: make stdout/stderr unbuffered (so output printed just before a kill still
 * reaches the parent); start the warm-up thread ({@link WorkerWarmUp}); read the SETUP frame from
 * stdin (the sideband marker and the class path, see {@link FrameDescriptor}); a standby warms up
 * and says READY; read the TASK (stdin ending first means the parent is gone: halt); start the
 * watcher that reads stdin from then on ({@link ParentPipes}); restore the copied snippet
 * variables; deserialize and run the task; wait for the non-daemon threads it started; report DONE
 * (exit 0) or FAILED (stack trace on stderr, exit 1).
 *
 * <p>Anonymous classes rather than lambdas on the start-up path, here and in the classes it uses:
 * the first lambda in a JVM costs milliseconds of bootstrap, which a cold worker should not pay
 * before its task.
 */
public final class ChildMain {
    static final String SPAWN = "spawn";
    static final String STANDBY = "standby";
    /** Exception summaries in FAILED frames are cut to this many chars to fit a sideband frame. */
    private static final int SUMMARY_CHARS = 1000;
    /**
     * This process's id. Read from {@code /proc/self} on Linux because the first use of
     * {@code ProcessHandle} bootstraps lambdas, which costs milliseconds on the start-up path.
     */
    private static final long PID = selfPid();

    private ChildMain() {
    }

    public static void main(final String[] args) throws Exception {
        // UTF-8 as the parent reads it, whatever the locale (see WorkerCommand's flags).
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        boolean standby = args.length > 0 && STANDBY.equals(args[0]);
        // Signal handlers go in on another thread, off the critical path (see WorkerWarmUp).
        Thread warm = new Thread(new WorkerWarmUp(standby), "kernel-lib-warm-up");
        warm.setDaemon(true);
        warm.start();
        // The set-up, and a cold worker's task, are read with plain blocking reads of exactly one
        // frame each; they are already in the pipe or about to be.
        InputStream stdin = new FileInputStream(FileDescriptor.in);
        System.setIn(InputStream.nullInputStream()); // like Python's workers: stdin is not the user's
        Frame setup = null;
        try {
            setup = args.length < 1 ? null : FrameIO.read(stdin);
        } catch (IOException e) {
            // not a parent's frame stream: reported below
        }
        if (setup == null || setup.type() != FrameDescriptor.SETUP) {
            System.err.println("kernel-lib worker: started without a parent; this class is not meant to be run by hand");
            Runtime.getRuntime().halt(2);
            return;
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(setup.payload()));
        byte[] marker = new byte[in.readInt()];
        in.readFully(marker);
        String classPathLine = in.readUTF();
        List<String> classPath = classPathLine.isEmpty() ? List.of()
                : List.of(classPathLine.split(File.pathSeparator));
        ClassLoader classPathLoader = WorkerClassPath.extend(classPath);
        Thread preopen = null;
        if (standby) {
            preopen = new Thread(new WorkerClassPath.PreOpen(classPath), "kernel-lib-preopen");
            preopen.setDaemon(true);
            preopen.start();
        }
        ParentPipes parent = new ParentPipes(marker);
        // The hook comes first: the parent may signal us as soon as start() returns, and how we
        // end must be reported even then. (Signal handlers are installed by the warm-up thread; a
        // SIGTERM that beats them is still read right, as the parent knows it sent it.)
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            @Override
            public void run() {
                parent.onShutdown();
            }
        }, "kernel-lib-worker-exit"));
        parent.install();
        if (standby) {
            // A standby has time: be fully warm, with every jar open, before the task arrives.
            warm.join();
            preopen.join();
            classPathLoader.getResource("org/kernellib/mp/start/no-such-resource"); // a first search
            parent.sendQuietly(FrameDescriptor.READY, new byte[0]);
        }
        // The task is read here, not by the watcher: in a cold worker it is already in the pipe.
        byte[] task = parent.readTask(standby ? null : stdin);
        if (task == null) {
            return; // the JVM is shutting down (a signal arrived while we waited)
        }
        parent.sendQuietly(FrameDescriptor.RUNNING, new byte[0]);
        parent.watch();
        run(parent, TaskPayload.decode(task));
    }

    private static void run(final ParentPipes parent, final TaskPayload p) {
        long pid = PID;
        CurrentProcess.initWorker(new ProcessInfo(p.name(), pid, p.daemon()),
                new ProcessInfo(p.parentName(), p.parentPid(), false));
        Thread.currentThread().setName(p.name());
        ClassLoader base = WorkerClassPath.extendFor(p.classPath());
        WorkerClassPath.hintClassLocations(p.classLocations());
        ShippedClassLoader loader = new ShippedClassLoader(base, new Function<String, byte[]>() {
            @Override
            public byte[] apply(final String name) {
                return parent.fetchClass(name);
            }
        }, p.classes());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            p.snapshot().restore(loader);
            Task task = (Task) p.readTask(loader);
            task.run();
        } catch (Throwable e) {
            System.err.println("Process " + p.name() + " (pid " + pid + ") failed:");
            System.err.print(CellTrace.render(e, p.snippetLines()));
            // DONE and FAILED go after the task's threads: a kill while they run reads as a kill.
            NonDaemonThreads.awaitAll();
            parent.sendQuietly(FrameDescriptor.FAILED, ParentPipes.utf(String.valueOf(e), SUMMARY_CHARS));
            System.exit(1);
        }
        NonDaemonThreads.awaitAll();
        parent.sendQuietly(FrameDescriptor.DONE, new byte[0]);
        System.exit(0);
    }

    private static long selfPid() {
        try {
            return Long.parseLong(new File("/proc/self").getCanonicalFile().getName());
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().pid();
        }
    }
}
