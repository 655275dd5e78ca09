package org.kernellib.mp.start;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;

import org.kernellib.mp.connection.Connection;
import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.connection.FrameDescriptor;
import org.kernellib.mp.process.CurrentProcess;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.serial.ShippedClassLoader;
import org.kernellib.mp.serial.ShippingObjectInputStream;
import org.kernellib.mp.serial.TaskPayload;

/**
 * The main class of every worker JVM: {@code ChildMain <socket> spawn|standby}.
 *
 * <p>Order of events: make stdout/stderr unbuffered (so output printed just before a kill still
 * reaches the parent); read the token from stdin; connect and say HELLO; start the watcher that
 * reads the control socket and halts this JVM at once on EOF, which the OS delivers when the parent
 * goes away for any reason, SIGKILL included; wait for the TASK; restore the copied snippet
 * variables; deserialize and run the task; report DONE (exit 0) or FAILED (stack trace on stderr,
 * exit 1).
 */
public final class ChildMain {
    static final String SPAWN = "spawn";
    static final String STANDBY = "standby";
    /** Exit status when the parent vanished; nobody is left to read it. */
    private static final int PARENT_GONE = 70;

    private final Connection connection;
    private final LinkedBlockingQueue<byte[]> tasks = new LinkedBlockingQueue<>();
    private final Map<Integer, CompletableFuture<byte[]>> classAnswers = new ConcurrentHashMap<>();
    private final AtomicInteger requestIds = new AtomicInteger();
    private volatile boolean closing;
    /** This worker, once connected; for the signal handlers. */
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

    private ChildMain(final Connection connection) {
        this.connection = connection;
    }

    public static void main(final String[] args) throws Exception {
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true));
        System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        // Two cores are common: let the lambda and serialization machinery that the task needs
        // initialise in parallel with the socket set-up, which is the other slow part of a start.
        Thread warm = new Thread(new WarmUp(), "kernel-lib-warm-up");
        warm.setDaemon(true);
        warm.start();
        FileInputStream stdin = new FileInputStream(FileDescriptor.in);
        System.setIn(InputStream.nullInputStream()); // like Python's workers: stdin is not the user's
        String token = readLine(stdin);
        String classPathLine = readLine(stdin);
        if (token == null || classPathLine == null || args.length < 2) {
            System.err.println("kernel-lib worker: started without a parent; this class is not meant to be run by hand");
            Runtime.getRuntime().halt(2);
        }
        List<String> classPath = classPathLine.isEmpty() ? List.of()
                : List.of(classPathLine.split(File.pathSeparator));
        Thread preopen = new Thread(new PreOpen(classPath), "kernel-lib-preopen");
        preopen.setDaemon(true);
        preopen.start();
        Connection c;
        try {
            c = Connection.connect(Paths.get(args[0]));
        } catch (IOException e) {
            // The parent exited while this JVM booted (its socket is gone): end quietly, there is
            // nobody to work for. A parent still waiting reports the early exit itself.
            Runtime.getRuntime().halt(PARENT_GONE);
            return;
        }
        ChildMain w = new ChildMain(c);
        // The hook comes before HELLO: the parent may signal us as soon as start() returns, and
        // how we end must be reported even then. (Signal handlers are installed by the warm-up
        // thread; a SIGTERM that beats them is still read right, as the parent knows it sent it.)
        // Anonymous classes rather than lambdas on the start-up path: the first lambda in a JVM
        // costs milliseconds of bootstrap, which the warm-up thread pays off the critical path.
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            @Override
            public void run() {
                w.onShutdown();
            }
        }, "kernel-lib-worker-exit"));
        current = w;
        c.send(FrameDescriptor.HELLO, 0, WorkerHandle.encodeHello(token, PID));
        daemon("kernel-lib-parent-watch-socket", new Runnable() {
            @Override
            public void run() {
                w.readLoop();
            }
        });
        extendClassPath(classPath);
        if (STANDBY.equals(args[1])) {
            // A standby has time: be fully warm, with every jar open, before the task arrives.
            warm.join();
            preopen.join();
            extendClassPath(List.of()).getResource("org/kernellib/mp/start/no-such-resource");
        }
        w.run(TaskPayload.decode(w.tasks.take()));
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
        ShippedClassLoader loader = new ShippedClassLoader(base, this::fetchClass, p.classes());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            p.snapshot().restore(loader);
            Task task = (Task) p.readTask(loader);
            task.run();
        } catch (Throwable e) {
            System.err.println("Process " + p.name() + " (pid " + pid + ") failed:");
            System.err.print(readableTrace(e));
            sendQuietly(FrameDescriptor.FAILED, utf(String.valueOf(e)));
            System.exit(1);
        }
        sendQuietly(FrameDescriptor.DONE, new byte[0]);
        System.exit(0);
    }

    /**
     * The stack trace with JShell's wrapper names shortened: {@code REPL.$JShell$10$Boom} reads
     * {@code Boom}, {@code REPL.$JShell$11.explode} reads {@code explode}, so snippet frames name
     * what the user wrote.
     */
    static String readableTrace(final Throwable e) {
        StringWriter sw = new StringWriter();
        e.printStackTrace(new PrintWriter(sw));
        return sw.toString().replaceAll("REPL\\.\\$JShell\\$\\d+[.$]", "");
    }

    /** Asks the parent for a class; blocks until it answers. */
    private byte[] fetchClass(final String name) {
        int id = requestIds.incrementAndGet();
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        classAnswers.put(id, answer);
        try {
            connection.send(FrameDescriptor.CLASS_REQUEST, id, utf(name));
            return answer.join();
        } catch (IOException e) {
            return null;
        } finally {
            classAnswers.remove(id);
        }
    }

    private void readLoop() {
        try {
            Frame f;
            while ((f = connection.receive()) != null) {
                if (f.type() == FrameDescriptor.TASK) {
                    tasks.add(f.payload());
                } else if (f.type() == FrameDescriptor.CLASS_BYTES) {
                    CompletableFuture<byte[]> a = classAnswers.get(f.requestId());
                    if (a != null) {
                        a.complete(f.payload());
                    }
                }
            }
        } catch (IOException e) {
            // same as EOF
        }
        if (!closing) {
            // The parent is gone (exited, killed or restarted): a worker never outlives it.
            Runtime.getRuntime().halt(PARENT_GONE);
        }
    }

    /**
     * Shutdown hook: tells the parent this is an orderly exit, then closes the socket. Closing
     * matters for speed: a thread blocked in a native read makes HotSpot's exit wait up to 300 ms
     * for it, and closing an NIO channel wakes its reader at once. That is also why the parent's
     * death is watched on the socket only and stdin is not kept in a blocking read.
     */
    private void onShutdown() {
        sendQuietly(FrameDescriptor.EXITING, new byte[0]);
        closing = true;
        connection.close();
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

    private void sendQuietly(final byte type, final byte[] payload) {
        try {
            connection.send(type, 0, payload);
        } catch (IOException e) {
            // The parent is gone; nothing to tell.
        }
    }

    /**
     * Runs once what every task run needs (object streams, lambda deserialization, the shipped
     * loader), so a standby JVM has those classes loaded and linked before its task arrives.
     */
    private static final class WarmUp implements Runnable {
        @Override
        public void run() {
            handleSignals();
            warmUp();
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
    private static ClassLoader extendClassPath(final List<String> entries) {
        ClassLoader below = extraLoader != null ? extraLoader : ClassLoader.getSystemClassLoader();
        if (entries.isEmpty()) {
            return below;
        }
        // StringBuilder, not '+': the first indy string concatenation in a JVM costs ~10 ms of
        // bootstrap, which belongs on the warm-up thread, not here on the critical path.
        StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
        URL[] urls = new URL[entries.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = toUrl(entries.get(i));
            cp.append(File.pathSeparatorChar).append(entries.get(i));
        }
        System.setProperty("java.class.path", cp.toString());
        appended.addAll(entries);
        extraLoader = new URLClassLoader("kernel-lib-task-classpath", urls, below);
        return extraLoader;
    }

    /**
     * Opens the jars of the class path in parallel with the JVM's own start-up work. The JDK shares
     * one parsed central directory between all open handles on a jar, so when the system class
     * loader opens the same jars later it finds them already read. The handles stay open for the
     * life of the worker (a few file descriptors) so that sharing holds.
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
            return Long.parseLong(Files.readSymbolicLink(Paths.get("/proc/self")).toString());
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().pid();
        }
    }

    private static URL toUrl(final String path) {
        try {
            return Paths.get(path).toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("bad class path entry " + path, e);
        }
    }

    private static byte[] utf(final String s) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeUTF(s.length() > 20_000 ? s.substring(0, 20_000) : s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.toByteArray();
    }

    private static String readLine(final InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return c < 0 && sb.length() == 0 ? null : sb.toString();
    }

    private static void daemon(final String name, final Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
