package org.kernellib.mp.start;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.kernellib.mp.process.OutputLine;
import org.kernellib.mp.connection.Connection;
import org.kernellib.mp.connection.ControlServer;
import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.connection.FrameDescriptor;
import org.kernellib.mp.serial.ClassShipper;

/**
 * The parent's handle on one worker JVM: the OS process, its stdin pipe (which carries the token
 * and, by staying open, tells the worker its parent lives), the relays of its stdout and stderr,
 * and its control connection, whose reader thread answers class requests and records how the
 * worker says it is ending.
 */
public final class WorkerHandle {
    private static final long CONNECT_TIMEOUT_MS = 60_000;

    private final WorkerCommand command;
    private final java.lang.Process jvm;
    private final OutputStream stdin;
    private final Connection connection;
    private final OutputRelay out;
    private final OutputRelay err;
    private final OutputLog output;
    private final CountDownLatch connectionClosed = new CountDownLatch(1);

    private volatile ClassShipper shipper;
    private volatile boolean taskSent;
    private volatile boolean done;
    private volatile boolean failed;
    private volatile boolean exiting;
    private volatile int signal;
    private volatile int signalSent;

    private WorkerHandle(final WorkerCommand command, final java.lang.Process jvm, final OutputStream stdin,
            final Connection connection, final OutputRelay out, final OutputRelay err, final OutputLog output) {
        this.command = command;
        this.output = output;
        this.jvm = jvm;
        this.stdin = stdin;
        this.connection = connection;
        this.out = out;
        this.err = err;
    }

    /** Starts a worker JVM and waits until it has connected and proved it is ours. */
    static WorkerHandle launch(final WorkerCommand command, final boolean standby) throws IOException {
        ControlServer server = ControlServer.get();
        String token = server.newToken();
        CompletableFuture<ControlServer.Hello> hello = server.expect(token);
        java.lang.Process p;
        try {
            p = new ProcessBuilder(command.argv(server.path(), standby)).start();
        } catch (IOException e) {
            server.forget(token);
            throw e;
        }
        String tag = "kernel-lib-worker-" + p.pid();
        OutputLog output = new OutputLog();
        OutputRelay out = OutputRelay.start(p.getInputStream(), () -> System.out, output.splitter("stdout"), tag + "-stdout");
        OutputRelay err = OutputRelay.start(p.getErrorStream(), () -> System.err, output.splitter("stderr"), tag + "-stderr");
        OutputStream stdin = p.getOutputStream();
        ControlServer.Hello h = null;
        try {
            // The token travels on stdin, not the command line, where any user could read it.
            // The class path follows, so the worker can open those jars while the JVM still boots.
            stdin.write((token + "\n" + String.join(File.pathSeparator, command.userClassPath()) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS);
            while (h == null && p.isAlive() && System.nanoTime() < end) {
                try {
                    h = hello.get(20, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // keep waiting while the JVM lives
                }
            }
            if (h == null && hello.isDone()) {
                h = hello.getNow(null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | IOException e) {
            // fall through to the failure report
        }
        if (h == null || h.pid() != p.pid()) {
            server.forget(token);
            if (h != null) {
                h.connection().close();
            }
            p.destroyForcibly();
            String why = p.isAlive() ? "did not connect in time" : "exited with code " + exitValueOrUnknown(p)
                    + " before connecting (its stderr, if any, is above)";
            throw new IOException("worker JVM (pid " + p.pid() + ") " + why + "; command: " + command);
        }
        WorkerHandle w = new WorkerHandle(command, p, stdin, h.connection(), out, err, output);
        Thread reader = new Thread(w::readLoop, tag + "-control");
        reader.setDaemon(true);
        reader.start();
        return w;
    }

    private static String exitValueOrUnknown(final java.lang.Process p) {
        try {
            return Integer.toString(p.waitFor(200, TimeUnit.MILLISECONDS) ? p.exitValue() : -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private void readLoop() {
        try {
            Frame f;
            while ((f = connection.receive()) != null) {
                switch (f.type()) {
                    case FrameDescriptor.CLASS_REQUEST:
                        answerClassRequest(f);
                        break;
                    case FrameDescriptor.DONE:
                        done = true;
                        break;
                    case FrameDescriptor.FAILED:
                        failed = true;
                        break;
                    case FrameDescriptor.SIGNALED:
                        signal = new DataInputStream(new ByteArrayInputStream(f.payload())).readInt();
                        break;
                    case FrameDescriptor.EXITING:
                        exiting = true;
                        break;
                    default:
                        break; // unknown frames are ignored, for compatibility with newer workers
                }
            }
        } catch (IOException e) {
            // The worker died mid-frame: treated as end of connection.
        } finally {
            connectionClosed.countDown();
        }
    }

    private void answerClassRequest(final Frame f) throws IOException {
        String name = new DataInputStream(new ByteArrayInputStream(f.payload())).readUTF();
        ClassShipper s = shipper;
        byte[] b = s == null ? null : s.bytesFor(name);
        connection.send(FrameDescriptor.CLASS_BYTES, f.requestId(), b == null ? new byte[0] : b);
    }

    /** Hands the worker its task; class requests are answered from {@code classes} from now on. */
    public void sendTask(final byte[] payload, final ClassShipper classes) throws IOException {
        shipper = classes;
        taskSent = true;
        connection.send(FrameDescriptor.TASK, 0, payload);
    }

    /**
     * A standby can take a task when it runs the same java, boot class path and flags, and the
     * class path it already put on its loader is a prefix of the one the task needs (jars added
     * since are appended; anything else would leave stale entries ahead of new ones).
     */
    boolean isUsableStandbyFor(final WorkerCommand c) {
        List<String> had = command.userClassPath();
        List<String> wants = c.userClassPath();
        return !taskSent && command.equals(c) && wants.size() >= had.size()
                && wants.subList(0, had.size()).equals(had) && jvm.isAlive() && connectionClosed.getCount() > 0;
    }

    /** The lines the worker printed so far, both streams, in arrival order. */
    public List<OutputLine> output() {
        return output.lines();
    }

    public long pid() {
        return jvm.pid();
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    /** Waits for the JVM to end; interruptible. */
    public void awaitExit() throws InterruptedException {
        jvm.waitFor();
    }

    /** Waits for the JVM to end, at most {@code millis}; interruptible. */
    public boolean awaitExit(final long millis) throws InterruptedException {
        return jvm.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * After exit: waits, at most {@code millis} each, until both output pipes and the control
     * connection reached EOF, so all output is relayed and all status frames are read. The wait is
     * bounded because a grandchild process may have inherited the pipes.
     */
    public void awaitDrained(final long millis) throws InterruptedException {
        out.awaitEof(millis);
        err.awaitEof(millis);
        connectionClosed.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Sends SIGTERM (15) or SIGKILL (9) if the worker still runs. */
    public void signal(final int sig) {
        if (!jvm.isAlive()) {
            return;
        }
        signalSent = Math.max(signalSent, sig);
        // Through the ProcessHandle, not java.lang.Process.destroy(): the latter also closes our
        // ends of the pipes, which would cut off the worker's last output and, by closing its
        // stdin, make it halt as if its parent had died instead of handling SIGTERM.
        if (sig == 9) {
            jvm.toHandle().destroyForcibly();
        } else {
            jvm.toHandle().destroy();
        }
    }

    public int exitValue() {
        return jvm.exitValue();
    }

    public WorkerStatus status() {
        return new WorkerStatus(done, failed, exiting, signal, signalSent);
    }

    /** Kills the worker and frees everything without waiting (a standby nobody will use). */
    public void discard() {
        jvm.destroyForcibly();
        close();
    }

    /** Frees the pipes and the connection; call after the worker ended. */
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed
        }
        connection.close();
    }

    static byte[] encodeHello(final String token, final long pid) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeUTF(token);
            d.writeLong(pid);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.toByteArray();
    }
}
