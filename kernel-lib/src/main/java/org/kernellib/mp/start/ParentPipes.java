package org.kernellib.mp.start;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.connection.FrameDescriptor;
import org.kernellib.mp.connection.FrameIO;
import org.kernellib.mp.connection.Sideband;

/**
 * A worker's end of the pipes to its parent (the parent's end is {@link WorkerHandle}): frames
 * from the parent arrive on stdin ({@link FrameIO}); frames to the parent are written into stderr,
 * marked ({@link Sideband}). No socket is opened, because initialising the JDK's socket support
 * costs a fresh JVM about 30 ms.
 *
 * <p>stdin ending means the parent is gone, for any reason, SIGKILL included: the worker then
 * halts at once, whether it was waiting for its task or running it. Once the task runs, a watcher
 * thread ({@link #watch}) reads stdin for that reason and for the answers to class requests.
 *
 * <p>A task with a protocol of its own (a pool worker's loop) gets this worker's pipes with
 * {@link #current()}: it receives its frames with {@link #listen} and sends with {@link #send}, in
 * any size, as a {@code Process} worker's lifecycle frames travel.
 */
public final class ParentPipes {
    /** Exit status when the parent vanished; nobody is left to read it. */
    private static final int PARENT_GONE = 70;

    /** This worker's pipes, once set up; for the signal handlers. */
    private static volatile ParentPipes current;

    private final byte[] marker;
    /** Frames to the parent go straight to fd 2, one write each (see Sideband). */
    private final FileOutputStream stderr = new FileOutputStream(FileDescriptor.err);
    /** Keeps the pieces of one large frame together (see Sideband#encodeAll). */
    private final Object writeLock = new Object();
    private final Map<Integer, Handoff<byte[]>> classAnswers = new ConcurrentHashMap<>();
    private final AtomicInteger requestIds = new AtomicInteger();
    /**
     * Frames from the parent, once something waits on stdin for long: an interruptible channel,
     * so the shutdown hook can wake its reader by closing it (see onShutdown). Made lazily: the
     * JDK's channel support costs a fresh JVM ~2 ms, which a cold worker pays on the watcher
     * thread instead of before its task. Guarded by {@code this}.
     */
    private FileChannel stdinChannel;
    private volatile boolean closing;
    /** Takes the frames of the task's own protocol; guarded by {@code taskFrames}, which holds those that came first. */
    private Consumer<Frame> taskListener;
    private final List<Frame> taskFrames = new ArrayList<>();

    ParentPipes(final byte[] marker) {
        this.marker = marker;
    }

    /** Makes these the pipes the signal handlers report on. */
    void install() {
        current = this;
    }

    /** This worker's pipes to its parent; null outside a worker JVM. */
    public static ParentPipes current() {
        return current;
    }

    /**
     * Hands the frames of the task's own protocol (types from
     * {@link FrameDescriptor#FIRST_TASK_TYPE} on) to {@code listener}, on the thread that reads
     * stdin: those that came already at once, then each as it comes. It must not block.
     */
    public void listen(final Consumer<Frame> listener) {
        synchronized (taskFrames) {
            for (Frame f : taskFrames) {
                listener.accept(f);
            }
            taskFrames.clear();
            taskListener = listener;
        }
    }

    private void toTask(final Frame f) {
        synchronized (taskFrames) {
            if (taskListener == null) {
                taskFrames.add(f);
            } else {
                taskListener.accept(f);
            }
        }
    }

    /**
     * Reads frames until the TASK and returns its payload. From {@code plain}, a stream on stdin,
     * when the task is in the pipe already (a cold worker): a hand-over to another thread or a
     * channel would only add to the critical path. With {@code plain} null (a standby, which may
     * wait for minutes), from the interruptible channel, so the shutdown hook can wake it. Halts
     * the JVM if stdin ends first (the parent is gone); returns null if the shutdown hook closed
     * stdin meanwhile.
     */
    byte[] readTask(final InputStream plain) {
        try {
            FrameSource from = plain != null ? streamSource(plain) : channelSource();
            Frame f;
            while (from != null && (f = from.next()) != null) {
                if (f.type() == FrameDescriptor.TASK) {
                    return f.payload();
                }
            }
        } catch (IOException e) {
            // same as EOF, unless we are closing
        }
        parentGoneUnlessClosing();
        return null;
    }

    /** Starts the watcher: after the task came, it answers class requests until stdin ends. */
    void watch() {
        Thread t = new Thread(new Runnable() { // not a lambda: see ChildMain
            @Override
            public void run() {
                watchLoop();
            }
        }, "kernel-lib-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    private void watchLoop() {
        try {
            FrameSource from = channelSource();
            Frame f;
            while (from != null && (f = from.next()) != null) {
                if (f.type() == FrameDescriptor.CLASS_BYTES) {
                    Handoff<byte[]> a = classAnswers.get(f.requestId());
                    if (a != null) {
                        a.complete(f.payload());
                    }
                } else if (f.type() >= FrameDescriptor.FIRST_TASK_TYPE) {
                    toTask(f);
                }
            }
        } catch (IOException e) {
            // same as EOF (or the shutdown hook closed the channel)
        }
        parentGoneUnlessClosing();
    }

    /** The parent is gone (exited, killed or restarted): a worker never outlives it. */
    private void parentGoneUnlessClosing() {
        if (!closing) {
            Runtime.getRuntime().halt(PARENT_GONE);
        }
    }

    /** Frames read one at a time, from a stream or from the channel. */
    private interface FrameSource {
        /** The next frame; null at the end of stdin. */
        Frame next() throws IOException;
    }

    private static FrameSource streamSource(final InputStream in) {
        return new FrameSource() {
            @Override
            public Frame next() throws IOException {
                return FrameIO.read(in);
            }
        };
    }

    /** The channel on stdin, made on first use; null once the shutdown hook has run. */
    private FrameSource channelSource() {
        FileChannel in;
        synchronized (this) {
            if (closing) {
                return null;
            }
            if (stdinChannel == null) {
                stdinChannel = new FileInputStream(FileDescriptor.in).getChannel();
            }
            in = stdinChannel;
        }
        ByteBuffer header = ByteBuffer.allocate(FrameDescriptor.HEADER_BYTES);
        return new FrameSource() {
            @Override
            public Frame next() throws IOException {
                return FrameIO.read(in, header);
            }
        };
    }

    /** Asks the parent for a class; blocks until it answers (null if it cannot). */
    byte[] fetchClass(final String name) {
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
     * The shutdown hook: tells the parent this is an orderly exit, then closes stdin. Closing
     * matters for speed: a thread blocked in a native read makes HotSpot's exit wait up to 300 ms
     * for it, and closing the (interruptible) channel wakes the watcher at once.
     */
    void onShutdown() {
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
    static void reportSignals() {
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), new sun.misc.SignalHandler() {
                    @Override
                    public void handle(final sun.misc.Signal s) {
                        ParentPipes p = current;
                        if (p != null) {
                            p.sendQuietly(FrameDescriptor.SIGNALED, ByteBuffer.allocate(4).putInt(s.getNumber()).array());
                        }
                        System.exit(128 + s.getNumber());
                    }
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // Signal in use by the VM (e.g. -Xrs): the default action stays.
            }
        }
    }

    /**
     * Sends a frame of any size to the parent: marked into stderr, each piece with a single
     * write, which a pipe keeps whole (see {@link Sideband#encodeAll}). Safe from any thread.
     *
     * @throws IOException when the parent is gone
     */
    public void send(final byte type, final int requestId, final byte[] payload) throws IOException {
        List<byte[]> writes = Sideband.encodeAll(marker, type, requestId, payload);
        synchronized (writeLock) {
            for (byte[] w : writes) {
                stderr.write(w);
            }
        }
    }

    /** Sends a frame; if the parent is gone there is nobody to tell. */
    void sendQuietly(final byte type, final byte[] payload) {
        try {
            send(type, 0, payload);
        } catch (IOException e) {
            // The parent is gone; nothing to tell.
        }
    }

    /** Modified UTF-8 of {@code s}, cut to {@code maxChars} (at most three bytes each). */
    static byte[] utf(final String s, final int maxChars) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeUTF(s.length() > maxChars ? s.substring(0, maxChars) : s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.toByteArray();
    }
}
