package org.kernellib.mp.start;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.net.StandardProtocolFamily;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.jar.JarFile;

import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.connection.FrameDescriptor;
import org.kernellib.mp.connection.FrameIO;
import org.kernellib.mp.connection.Sideband;
import org.kernellib.mp.process.CurrentProcess;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.serial.CellTrace;
import org.kernellib.mp.serial.ShippedClassLoader;
import org.kernellib.mp.serial.ShippingObjectInputStream;
import org.kernellib.mp.serial.TaskPayload;

/**
 * The main class of every worker JVM: {@code ChildMain spawn|standby}.
 *
 * <p>Order of events: make stdout/stderr unbuffered (so output printed just before a kill still
 * reaches the parent); read the SETUP frame from stdin (the sideband marker and the class path,
 * see {@link FrameDescriptor}); a standby warms up and says READY; read the TASK (stdin ending
 * first means the parent is gone: halt); start the watcher that reads stdin from then on, answers
 * class requests, and halts this JVM at once on EOF, which the OS delivers when the parent goes
 * away for any reason, SIGKILL included; restore the copied snippet variables; deserialize and
 * run the task; wait for the non-daemon threads it started; report DONE (exit 0) or FAILED
 * (stack trace on stderr, exit 1).
 *
 * <p>Frames to the parent are written into stderr, marked ({@link Sideband}); no socket is opened,
 * because initialising the JDK's socket support costs a fresh JVM about 30 ms.
 */
public final class ChildMain {
    static final String SPAWN = "spawn";
    static final String STANDBY = "standby";
    /** Exit status when the parent vanished; nobody is left to read it. */
    private static final int PARENT_GONE = 70;
    /** Exception summaries in FAILED frames are cut to this many chars to fit a sideband frame. */
    private static final int SUMMARY_CHARS = 1000;

    /**
     * Frames from the parent, once something waits on stdin for long: an interruptible channel,
     * so the shutdown hook can wake its reader by closing it (see onShutdown). Made lazily: the
     * JDK's channel support costs a fresh JVM ~2 ms, which a cold worker pays on the watcher
     * thread instead of before its task. Guarded by {@code this}.
     */
    private FileChannel stdinChannel;
    private final byte[] marker;
    /** Frames to the parent go straight to fd 2, one write each (see Sideband). */
    private final FileOutputStream stderr = new FileOutputStream(FileDescriptor.err);
    private final Map<Integer, Handoff<byte[]>> classAnswers = new ConcurrentHashMap<>();
    private final AtomicInteger requestIds = new AtomicInteger();
    private volatile boolean closing;
    /** This worker, once set up; for the signal handlers. */
    private static volatile ChildMain current;
    /**
     * This process's id. Read from {@code /proc/self} on Linux because the first use of
     * {@code ProcessHandle} bootstraps lambdas, which costs milliseconds on the start-up path.
     */
    private static final long PID = selfPid();
    /** Class path entries already added (see extendClassPath). */
    private static final List<String> appended = new ArrayList<>();
    /** The loader of the appended entries, null until there are some. */
    private static ClassLoader extraLoader;
    private static final List<JarFile> OPEN_JARS = new CopyOnWriteArrayList<>();

    private ChildMain(final byte[] marker) {
        this.marker = marker;
    }

    public static void main(final String[] args) throws Exception {
        // UTF-8 as the parent reads it, whatever the locale (see WorkerCommand's flags).
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        boolean standby = args.length > 0 && STANDBY.equals(args[0]);
        // Signal handlers go in on another thread, off the critical path. A standby also warms up
        // the lambda and serialization machinery there; a cold worker does not: its task is
        // already waiting in the pipe, and two threads initialising the same classes only queue
        // on each other's class-initialisation locks.
        Thread warm = new Thread(new WarmUp(standby), "kernel-lib-warm-up");
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
        // Cheap: the loader makes no URL and opens no jar until a search needs one.
        ClassLoader classPathLoader = extendClassPath(classPath);
        Thread preopen = null;
        if (standby) {
            preopen = new Thread(new PreOpen(classPath), "kernel-lib-preopen");
            preopen.setDaemon(true);
            preopen.start();
        }
        ChildMain w = new ChildMain(marker);
        // The hook comes first: the parent may signal us as soon as start() returns, and how we
        // end must be reported even then. (Signal handlers are installed by the warm-up thread; a
        // SIGTERM that beats them is still read right, as the parent knows it sent it.)
        // Anonymous classes rather than lambdas on the start-up path: the first lambda in a JVM
        // costs milliseconds of bootstrap, which a cold worker should not pay before its task.
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            @Override
            public void run() {
                w.onShutdown();
            }
        }, "kernel-lib-worker-exit"));
        current = w;
        if (standby) {
            // A standby has time: be fully warm, with every jar open, before the task arrives.
            warm.join();
            preopen.join();
            classPathLoader.getResource("org/kernellib/mp/start/no-such-resource"); // a first search
            w.sendQuietly(FrameDescriptor.READY, new byte[0]);
        }
        // The task is read here, not by the watcher: in a cold worker it is already in the pipe,
        // and a hand-over between threads would only add a wake-up to the critical path. A
        // standby may wait for it for minutes, so it waits on the interruptible channel.
        byte[] task = standby ? w.readTask() : w.readTask(stdin);
        if (task == null) {
            return; // the JVM is shutting down (a signal arrived while we waited)
        }
        w.sendQuietly(FrameDescriptor.RUNNING, new byte[0]);
        daemon("kernel-lib-parent-watch", new Runnable() {
            @Override
            public void run() {
                w.readLoop();
            }
        });
        w.run(TaskPayload.decode(task));
    }

    private void run(final TaskPayload p) {
        long pid = PID;
        CurrentProcess.initWorker(new ProcessInfo(p.name(), pid, p.daemon()),
                new ProcessInfo(p.parentName(), p.parentPid(), false));
        Thread.currentThread().setName(p.name());
        List<String> more = p.classPath();
        more = more.size() >= appended.size() && more.subList(0, appended.size()).equals(appended)
                ? more.subList(appended.size(), more.size()) : more;
        ClassLoader base = extendClassPath(more);
        hintClassLocations(p.classLocations());
        // An anonymous class, not this::fetchClass: see the note on lambdas in main.
        ShippedClassLoader loader = new ShippedClassLoader(base, new Function<String, byte[]>() {
            @Override
            public byte[] apply(final String name) {
                return fetchClass(name);
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
            sendQuietly(FrameDescriptor.FAILED, utf(String.valueOf(e), SUMMARY_CHARS));
            System.exit(1);
        }
        NonDaemonThreads.awaitAll();
        sendQuietly(FrameDescriptor.DONE, new byte[0]);
        System.exit(0);
    }

    /** Asks the parent for a class; blocks until it answers. */
    private byte[] fetchClass(final String name) {
        int id = requestIds.incrementAndGet();
        Handoff<byte[]> answer = new Handoff<>();
        classAnswers.put(id, answer);
        try {
            send(FrameDescriptor.CLASS_REQUEST, id, utf(name, Sideband.MAX_PAYLOAD / 3));
            return answer.await();
        } catch (IOException e) {
            return null;
        } finally {
            classAnswers.remove(id);
        }
    }

    /**
     * Waits on the channel for the TASK frame; halts the JVM if stdin ends first (the parent is
     * gone). Returns null if the shutdown hook closed stdin meanwhile.
     */
    private byte[] readTask() {
        FileChannel in = channel();
        if (in != null) {
            try {
                ByteBuffer header = ByteBuffer.allocate(FrameDescriptor.HEADER_BYTES);
                Frame f;
                while ((f = FrameIO.read(in, header)) != null) {
                    if (f.type() == FrameDescriptor.TASK) {
                        return f.payload();
                    }
                }
            } catch (IOException e) {
                // same as EOF, unless we are closing
            }
        }
        return parentGoneUnlessClosing();
    }

    /** The same from a plain stream, for a cold worker, whose task is in the pipe already. */
    private byte[] readTask(final InputStream in) {
        try {
            Frame f;
            while ((f = FrameIO.read(in)) != null) {
                if (f.type() == FrameDescriptor.TASK) {
                    return f.payload();
                }
            }
        } catch (IOException e) {
            // same as EOF, unless we are closing
        }
        return parentGoneUnlessClosing();
    }

    private byte[] parentGoneUnlessClosing() {
        if (!closing) {
            Runtime.getRuntime().halt(PARENT_GONE);
        }
        return null;
    }

    /** The channel on stdin, made on first use; null once the shutdown hook has run. */
    private synchronized FileChannel channel() {
        if (closing) {
            return null;
        }
        if (stdinChannel == null) {
            stdinChannel = new FileInputStream(FileDescriptor.in).getChannel();
        }
        return stdinChannel;
    }

    /** The watcher, after the task came: answers class requests until stdin ends. */
    private void readLoop() {
        FileChannel in = channel();
        if (in == null) {
            return; // shutting down already
        }
        ByteBuffer header = ByteBuffer.allocate(FrameDescriptor.HEADER_BYTES);
        try {
            Frame f;
            while ((f = FrameIO.read(in, header)) != null) {
                if (f.type() == FrameDescriptor.CLASS_BYTES) {
                    Handoff<byte[]> a = classAnswers.get(f.requestId());
                    if (a != null) {
                        a.complete(f.payload());
                    }
                }
            }
        } catch (IOException e) {
            // same as EOF (or the shutdown hook closed the channel)
        }
        if (!closing) {
            // The parent is gone (exited, killed or restarted): a worker never outlives it.
            Runtime.getRuntime().halt(PARENT_GONE);
        }
    }

    /**
     * Shutdown hook: tells the parent this is an orderly exit, then closes stdin. Closing matters
     * for speed: a thread blocked in a native read makes HotSpot's exit wait up to 300 ms for it,
     * and closing the (interruptible) channel wakes the watcher at once.
     */
    private void onShutdown() {
        sendQuietly(FrameDescriptor.EXITING, new byte[0]);
        FileChannel in;
        synchronized (this) {
            closing = true;
            in = stdinChannel;
        }
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing is best effort
            }
        }
    }

    /**
     * Reports catchable termination signals before exiting with the usual 128+N status, so the
     * parent can tell "terminated by SIGTERM" from "called System.exit(143)".
     */
    @SuppressWarnings("restriction")
    private static void handleSignals() {
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), new sun.misc.SignalHandler() {
                    @Override
                    public void handle(final sun.misc.Signal s) {
                        ChildMain w = current;
                        if (w != null) {
                            w.sendQuietly(FrameDescriptor.SIGNALED, ByteBuffer.allocate(4).putInt(s.getNumber()).array());
                        }
                        System.exit(128 + s.getNumber());
                    }
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // Signal in use by the VM (e.g. -Xrs): the default action stays.
            }
        }
    }

    /** Writes one marked frame into stderr with a single write, which a pipe keeps whole. */
    private void send(final byte type, final int requestId, final byte[] payload) throws IOException {
        stderr.write(Sideband.encode(marker, type, requestId, payload));
    }

    private void sendQuietly(final byte type, final byte[] payload) {
        try {
            send(type, 0, payload);
        } catch (IOException e) {
            // The parent is gone; nothing to tell.
        }
    }

    /**
     * Installs the signal handlers and, in a standby, runs once what every task run needs (object
     * streams, lambda deserialization, the shipped loader), so a standby JVM has those classes
     * loaded and linked before its task arrives.
     */
    private static final class WarmUp implements Runnable {
        private final boolean full;

        WarmUp(final boolean full) {
            this.full = full;
        }

        @Override
        public void run() {
            handleSignals();
            if (full) {
                warmUp();
            }
        }
    }

    private static void warmUp() {
        try {
            Task t = () -> { };
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (ObjectOutputStream o = new ObjectOutputStream(bos)) {
                o.writeObject(t);
            }
            ClassLoader l = new ShippedClassLoader(ChildMain.class.getClassLoader(), n -> null);
            try (ShippingObjectInputStream in = new ShippingObjectInputStream(
                    new ByteArrayInputStream(bos.toByteArray()), l)) {
                ((Task) in.readObject()).run();
            }
            TaskPayload.class.getName();
            // Bootstraps invokedynamic string concatenation, which most tasks use.
            String concat = "warm " + System.nanoTime() + t;
            concat.length();
            // Initialises the JDK's Unix-domain socket support (~30 ms in a fresh JVM): a standby
            // taken as a pool worker connects to its pool at once.
            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.isOpen();
            }
        } catch (Exception e) {
            // Only a warm-up: the real task will report real problems.
        }
    }

    /**
     * Adds the parent's class path (beyond kernel-lib, see WorkerCommand) as a URL class loader
     * under the system one, the same shape as in a notebook kernel, where JJava's snippet loader
     * holds the jars of {@code %maven} and {@code %classpath}. A standby that already added a
     * prefix of the entries adds only the rest, as a child of its first loader.
     * {@code java.class.path} is set to the whole for code that reads it.
     */
    private static synchronized ClassLoader extendClassPath(final List<String> entries) {
        ClassLoader below = extraLoader != null ? extraLoader : ClassLoader.getSystemClassLoader();
        if (entries.isEmpty()) {
            return below;
        }
        // StringBuilder, not '+': the first indy string concatenation in a JVM costs ~10 ms of
        // bootstrap, which does not belong on the start-up path.
        StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
        for (String e : entries) {
            cp.append(File.pathSeparatorChar).append(e);
        }
        System.setProperty("java.class.path", cp.toString());
        appended.addAll(entries);
        extraLoader = new ClassPathLoader(entries, below);
        return extraLoader;
    }

    /** Tells every class path loader of this worker where the task's own classes are. */
    private static void hintClassLocations(final Map<String, String> classToEntry) {
        if (classToEntry.isEmpty()) {
            return;
        }
        for (ClassLoader l = extraLoader; l instanceof ClassPathLoader; l = l.getParent()) {
            ((ClassPathLoader) l).hint(classToEntry);
        }
    }

    /**
     * A value handed from one thread to another, once. A CompletableFuture would do, but its class
     * initialisation sets up the common ForkJoinPool, milliseconds a cold worker cannot spare.
     */
    private static final class Handoff<T> {
        private T value;
        private boolean done;

        synchronized void complete(final T v) {
            value = v;
            done = true;
            notifyAll();
        }

        /** Waits for the value, uninterruptibly (the interrupt flag is kept). */
        synchronized T await() {
            boolean interrupted = false;
            while (!done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return value;
        }
    }

    /**
     * A standby opens every jar of its class path while it warms up. The JDK shares one parsed
     * central directory between all open handles on a jar, so when the loader opens the same jars
     * later it finds them already read. The handles stay open for the life of the worker (a few
     * file descriptors) so that sharing holds. A cold worker opens no jar ahead: parsing big jars'
     * directories costs CPU a two-core machine does not have to spare while the JVM boots, keeps
     * the JIT compiling, and the task's own classes are found without them (see ClassPathLoader).
     */
    private static final class PreOpen implements Runnable {
        private final List<String> entries;

        PreOpen(final List<String> entries) {
            this.entries = entries;
        }

        @Override
        public void run() {
            for (String e : entries) {
                if (e.endsWith(".jar")) {
                    try {
                        OPEN_JARS.add(new JarFile(e));
                    } catch (IOException | RuntimeException ignored) {
                        // The class loader will report a real problem itself.
                    }
                }
            }
        }
    }

    private static long selfPid() {
        try {
            return Long.parseLong(new File("/proc/self").getCanonicalFile().getName());
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().pid();
        }
    }

    /** Modified UTF-8 of {@code s}, cut to {@code maxChars} (at most three bytes each). */
    private static byte[] utf(final String s, final int maxChars) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeUTF(s.length() > maxChars ? s.substring(0, maxChars) : s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.toByteArray();
    }

    private static void daemon(final String name, final Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
