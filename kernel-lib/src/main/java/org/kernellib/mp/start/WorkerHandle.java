package org.kernellib.mp.start;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.connection.FrameDescriptor;
import org.kernellib.mp.connection.FrameIO;
import org.kernellib.mp.connection.Sideband;
import org.kernellib.mp.process.ExitCode;
import org.kernellib.mp.process.OutputLine;
import org.kernellib.mp.serial.ClassShipper;

/**
 * The parent's handle on one worker JVM: the OS process, its stdin pipe (frames to the worker;
 * by staying open it also tells the worker its parent lives), and the relays of its stdout and
 * stderr, the latter also delivering the worker's control frames (see
 * {@link org.kernellib.mp.connection.Sideband}): class requests, which it answers, and how the
 * worker says it is ending, which it records. Frames of the task's own protocol (a pool worker's
 * work, types from {@link FrameDescriptor#FIRST_TASK_TYPE} on) travel the same pipes: sent with
 * {@link #sendToTask}, received by the {@link TaskTraffic} given to {@link #listen}.
 *
 * <p>Launching does not wait for the JVM to boot: the set-up and then the task are written to its
 * stdin at once and wait in the pipe, so a cold start overlaps the JVM's boot with everything the
 * parent still does.
 */
public final class WorkerHandle {
    /**
     * Who takes the frames of a worker's task's own protocol. Called on the thread that relays the
     * worker's stderr, in the order the frames came; it should not block for long, as the
     * worker's text waits meanwhile.
     */
    public interface TaskTraffic {
        /** A frame of the task's protocol. */
        void frame(Frame f);

        /** The worker's stderr ended: it is gone, and no frame follows. */
        void ended();
    }

    static final int SIGTERM = 15;
    static final int SIGKILL = 9;
    /** How long a SIGKILLed JVM may take to be gone (the kernel frees its memory first). */
    private static final long KILL_WAIT_MS = 1000;

    private final WorkerCommand command;
    private final java.lang.Process jvm;
    private final OutputStream stdin;
    private final Object stdinLock = new Object();
    private final OutputLog output = new OutputLog();
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile OutputRelay out;
    private volatile OutputRelay err;

    /** Guards the task traffic fields below and orders their delivery. */
    private final Object trafficLock = new Object();
    private TaskTraffic traffic;
    /** Task frames that came before anyone listened. */
    private final List<Frame> trafficBeforeListen = new ArrayList<>();
    private boolean stderrEnded;

    private volatile ClassShipper shipper;
    private volatile boolean taskSent;
    private volatile boolean running;
    private volatile boolean done;
    private volatile boolean failed;
    private volatile boolean exiting;
    private volatile int signal;
    private volatile int signalSent;

    private WorkerHandle(final WorkerCommand command, final java.lang.Process jvm) {
        this.command = command;
        this.jvm = jvm;
        this.stdin = jvm.getOutputStream();
    }

    /**
     * Starts a worker JVM and hands it its set-up; returns without waiting for it to boot. A
     * {@code standby} warms up and then says READY (see {@link #awaitReady}); a cold one just
     * waits for its task.
     */
    static WorkerHandle launch(final WorkerCommand command, final boolean standby) throws IOException {
        java.lang.Process p = new ProcessBuilder(command.argv(standby)).start();
        WorkerHandle w = new WorkerHandle(command, p);
        byte[] marker = Sideband.newMarker();
        String tag = "kernel-lib-worker-" + p.pid();
        w.out = OutputRelay.start(p.getInputStream(), () -> System.out, w.output.splitter("stdout"), tag + "-stdout");
        w.err = OutputRelay.start(p.getErrorStream(), () -> System.err, w.output.splitter("stderr"), marker,
                w::onFrame, w::onStderrEnd, tag + "-stderr");
        ByteArrayOutputStream setup = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(setup)) {
            d.writeInt(marker.length);
            d.write(marker);
            d.writeUTF(String.join(File.pathSeparator, command.userClassPath()));
        }
        try {
            w.send(FrameDescriptor.SETUP, 0, setup.toByteArray());
        } catch (IOException e) {
            // The JVM is already gone (it could not start): its exit status and stderr tell why,
            // and the caller sees them like any other early exit.
        }
        return w;
    }

    /**
     * Starts a standby worker and waits until it is warm and READY for a task.
     *
     * @throws IOException if the JVM could not be started, died while warming up, or was not
     *     ready within {@code millis}
     */
    public static WorkerHandle launchStandby(final WorkerCommand command, final long millis)
            throws IOException, InterruptedException {
        WorkerHandle h = launch(command, true);
        if (!h.awaitReady(millis)) {
            h.discard();
            throw new IOException("standby worker JVM (pid " + h.pid() + ") "
                    + (h.jvm.isAlive() ? "was not ready within " + millis + " ms" : "exited with code "
                    + h.jvm.exitValue() + " while warming up (its stderr, if any, is above)")
                    + "; command: " + command);
        }
        return h;
    }

    /** Writes one frame to the worker's stdin. */
    private void send(final byte type, final int requestId, final byte[] payload) throws IOException {
        byte[] frame = FrameIO.encode(type, requestId, payload);
        synchronized (stdinLock) {
            stdin.write(frame);
            stdin.flush();
        }
    }

    /** A frame from the worker's stderr; runs on the stderr relay thread. */
    private void onFrame(final Frame f) {
        try {
            switch (f.type()) {
                case FrameDescriptor.CLASS_REQUEST:
                    answerClassRequest(f);
                    break;
                case FrameDescriptor.READY:
                    ready.countDown();
                    break;
                case FrameDescriptor.RUNNING:
                    running = true;
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
                    if (f.type() >= FrameDescriptor.FIRST_TASK_TYPE) {
                        toTask(f);
                    }
                    break; // other unknown frames are ignored, for compatibility with newer workers
            }
        } catch (IOException e) {
            // The worker is gone (its stdin broke) or sent a short frame: nothing to answer.
        }
    }

    private void toTask(final Frame f) {
        synchronized (trafficLock) {
            if (traffic == null) {
                trafficBeforeListen.add(f);
            } else {
                traffic.frame(f);
            }
        }
    }

    /** The stderr relay reached EOF (after its last frame); runs on that thread. */
    private void onStderrEnd() {
        synchronized (trafficLock) {
            stderrEnded = true;
            if (traffic != null) {
                traffic.ended();
            }
        }
    }

    /**
     * Hands the frames of the task's own protocol to {@code t}: those that came already, at once
     * and in order, then each as it comes, and finally the end of the worker's stderr.
     */
    public void listen(final TaskTraffic t) {
        synchronized (trafficLock) {
            for (Frame f : trafficBeforeListen) {
                t.frame(f);
            }
            trafficBeforeListen.clear();
            traffic = t;
            if (stderrEnded) {
                t.ended();
            }
        }
    }

    /**
     * Writes a frame of the task's own protocol to the worker's stdin, whole; blocks while the
     * pipe is full, that is until the worker reads (or ends).
     *
     * @throws IllegalArgumentException for a lifecycle frame type, which only the launcher sends
     * @throws IOException when the worker is gone
     */
    public void sendToTask(final byte type, final int requestId, final byte[] payload) throws IOException {
        if (type < FrameDescriptor.FIRST_TASK_TYPE) {
            throw new IllegalArgumentException("frame type " + type + " is the launcher's, not the task's");
        }
        send(type, requestId, payload);
    }

    private void answerClassRequest(final Frame f) throws IOException {
        String name = new DataInputStream(new ByteArrayInputStream(f.payload())).readUTF();
        ClassShipper s = shipper;
        byte[] b = s == null ? null : s.bytesFor(name);
        send(FrameDescriptor.CLASS_BYTES, f.requestId(), b == null ? new byte[0] : b);
    }

    /**
     * Hands the worker its task; class requests are answered from {@code classes} from now on.
     *
     * @throws IOException if the worker cannot take it; when its JVM already ended (it could not
     *     boot, say), the message says so, with its exit code and command
     */
    public void sendTask(final byte[] payload, final ClassShipper classes) throws IOException {
        shipper = classes;
        taskSent = true;
        try {
            send(FrameDescriptor.TASK, 0, payload);
        } catch (IOException e) {
            throw whyGone(e);
        }
    }

    /** A broken stdin, explained by the JVM's end if it ended (waits for that a moment). */
    private IOException whyGone(final IOException e) {
        try {
            if (!jvm.waitFor(1, TimeUnit.SECONDS)) {
                return e;
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return e;
        }
        close();
        return new IOException("the worker JVM (pid " + jvm.pid() + ") exited with code " + jvm.exitValue()
                + " before it could take its task; its own message, if any, is above. Command: " + command, e);
    }

    /**
     * Waits until a standby has warmed up and said READY; false if it died first or after
     * {@code millis}.
     */
    public boolean awaitReady(final long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!ready.await(20, TimeUnit.MILLISECONDS)) {
            if (!jvm.isAlive() || System.nanoTime() > end) {
                return false;
            }
        }
        return jvm.isAlive();
    }

    /**
     * A worker that has no task yet can take one for {@code c} when it runs the same java, boot
     * class path and flags, and the class path it was set up with is a prefix of the one the task
     * needs (jars added since are appended; anything else would leave stale entries ahead of new
     * ones).
     */
    public boolean canTake(final WorkerCommand c) {
        List<String> had = command.userClassPath();
        List<String> wants = c.userClassPath();
        return !taskSent && command.equals(c) && wants.size() >= had.size()
                && wants.subList(0, had.size()).equals(had) && jvm.isAlive() && !err.atEof();
    }

    /** The lines the worker printed so far, both streams, in arrival order. */
    public List<OutputLine> output() {
        return output.lines();
    }

    public long pid() {
        return jvm.pid();
    }

    /** How the worker JVM was started. */
    public WorkerCommand command() {
        return command;
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    /**
     * Whether the worker is stopped now: its state in {@code /proc/<pid>/stat} is {@code T}
     * (stopped by a signal: SIGSTOP, SIGTSTP) or {@code t} (stopped by a debugger). False where
     * there is no {@code /proc}, and once it ended.
     */
    public boolean isStopped() {
        if (!jvm.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Paths.get("/proc", Long.toString(jvm.pid()), "stat"));
            // "pid (comm) S ...": comm may itself hold spaces and parentheses, so look past the last ')'.
            int close = stat.lastIndexOf(')');
            if (close < 0 || close + 2 >= stat.length()) {
                return false;
            }
            char state = stat.charAt(close + 2);
            return state == 'T' || state == 't';
        } catch (IOException | RuntimeException e) {
            return false;
        }
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
     * After exit: waits, at most {@code millis} each, until both output pipes reached EOF, so all
     * output is relayed and all status frames are read. The wait is bounded because a grandchild
     * process may have inherited the pipes.
     */
    public void awaitDrained(final long millis) throws InterruptedException {
        out.awaitEof(millis);
        err.awaitEof(millis);
    }

    /** Asks the worker to stop with SIGTERM (its shutdown hooks run); no-op once it ended. */
    public void terminate() {
        signal(SIGTERM);
    }

    /** Kills the worker with SIGKILL; no-op once it ended. */
    public void kill() {
        signal(SIGKILL);
    }

    /** Sends SIGTERM (15) or SIGKILL (9) if the worker still runs. */
    private void signal(final int sig) {
        if (!jvm.isAlive()) {
            return;
        }
        signalSent = Math.max(signalSent, sig);
        // Through the ProcessHandle, not java.lang.Process.destroy(): the latter also closes our
        // ends of the pipes, which would cut off the worker's last output and, by closing its
        // stdin, make it halt as if its parent had died instead of handling SIGTERM.
        if (sig == SIGKILL) {
            jvm.toHandle().destroyForcibly();
        } else {
            jvm.toHandle().destroy();
        }
    }

    public int exitValue() {
        return jvm.exitValue();
    }

    /**
     * Python's {@code exitcode} of the ended worker (see {@link ExitCode}): its raw exit status
     * read together with what it said about how it ended and what this parent sent it.
     *
     * @throws IllegalThreadStateException if it still runs
     */
    public int exitCode() {
        return ExitCode.decode(jvm.exitValue(), status());
    }

    /**
     * Reaps a worker that is ending: waits at most {@code graceMillis} for it to exit, kills it
     * if it has not, waits for its last output (at most {@code drainMillis} per stream) and frees
     * its pipe. Returns its exit code, or empty if it could not be reaped (still running after the
     * kill, or the wait was interrupted; the interrupt flag then stays set).
     */
    public OptionalInt reap(final long graceMillis, final long drainMillis) {
        try {
            if (!awaitExit(graceMillis)) {
                kill();
                awaitExit(KILL_WAIT_MS);
            }
            if (jvm.isAlive()) {
                return OptionalInt.empty();
            }
            awaitDrained(drainMillis);
            return OptionalInt.of(exitCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return jvm.isAlive() ? OptionalInt.empty() : OptionalInt.of(exitCode());
        } finally {
            if (!jvm.isAlive()) {
                close();
            }
        }
    }

    public WorkerStatus status() {
        return new WorkerStatus(running, done, failed, exiting, signal, signalSent);
    }

    /** Kills the worker and frees everything without waiting (a standby nobody will use). */
    public void discard() {
        jvm.destroyForcibly();
        close();
    }

    /** Frees the stdin pipe (the relays end at EOF by themselves); call after the worker ended. */
    public void close() {
        synchronized (stdinLock) {
            try {
                stdin.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
