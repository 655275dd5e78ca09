package org.kernellib.mp.pool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.kernellib.mp.connection.FrameChannel;
import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.connection.FrameDescriptor;
import org.kernellib.mp.process.CurrentProcess;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.serial.ObjectCodec;
import org.kernellib.mp.serial.ShippedClassLoader;
import org.kernellib.mp.serial.TaskPayload;

/**
 * What a pool worker JVM runs: connects back to the pool over its own socket and runs chunks
 * until the pool closes that connection (see {@link PoolProtocol}).
 */
final class PoolWorkerLoop {
    private static final Frame EOF = new Frame((byte) 0, 0, new byte[0]);

    private PoolWorkerLoop() {
    }

    /**
     * The worker's task. A lambda capturing two strings, so it travels by name (see
     * {@code serial.TaskReference}) and a cold pool worker needs no object stream to start.
     */
    static Task task(final String socket, final String token) {
        return () -> serve(socket, token);
    }

    private static void serve(final String socket, final String token) throws Exception {
        FrameChannel c = FrameChannel.connect(Paths.get(socket));
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeUTF(token);
            d.writeLong(CurrentProcess.get().pid()); // set by the worker's main, no ProcessHandle needed
        }
        c.send(FrameDescriptor.HELLO, 0, bos.toByteArray());
        try {
            new Loop(c).run();
        } catch (IOException e) {
            // The pool closed the connection while this worker was answering: it wants it gone.
        }
    }

    /** The worker's state: calls it knows, their loaders, and the reader of the connection. */
    private static final class Loop {
        private final FrameChannel connection;
        private final LinkedBlockingQueue<Frame> inbox = new LinkedBlockingQueue<>();
        private final Set<Integer> cancelled = ConcurrentHashMap.newKeySet();
        private final Map<Integer, CompletableFuture<byte[]>> classAnswers = new ConcurrentHashMap<>();
        private final AtomicInteger requests = new AtomicInteger();
        private final Map<Integer, Job> jobs = new HashMap<>();
        private final Map<List<String>, ClassLoader> bases = new HashMap<>();

        Loop(final FrameChannel connection) {
            this.connection = connection;
        }

        void run() throws Exception {
            // An anonymous class, not this::read: a cold worker should not pay for bootstrapping
            // its first lambda before it can say it is ready (see ChildMain).
            Thread reader = new Thread(new Runnable() {
                @Override
                public void run() {
                    read();
                }
            }, "kernel-lib-pool-reader");
            reader.setDaemon(true);
            reader.start();
            while (true) {
                Frame f = inbox.take();
                if (f == EOF) {
                    return; // the pool closed us: an orderly end
                }
                switch (f.type()) {
                    case PoolProtocol.INIT -> init(f.payload());
                    case PoolProtocol.JOB -> jobs.put(f.requestId(), prepare(f.requestId(), f.payload()));
                    case PoolProtocol.FORGET -> {
                        jobs.remove(f.requestId());
                        cancelled.remove(f.requestId());
                    }
                    case PoolProtocol.CHUNK -> chunk(f.requestId(), f.payload());
                    default -> { }
                }
            }
        }

        private void read() {
            try {
                Frame f;
                while ((f = connection.receive()) != null) {
                    if (f.type() == PoolProtocol.CLASS_BYTES) {
                        CompletableFuture<byte[]> a = classAnswers.get(f.requestId());
                        if (a != null) {
                            a.complete(f.payload());
                        }
                    } else if (f.type() == PoolProtocol.CANCEL) {
                        cancelled.add(f.requestId());
                    } else {
                        inbox.add(f);
                    }
                }
            } catch (IOException e) {
                // end of connection
            }
            for (CompletableFuture<byte[]> a : classAnswers.values()) {
                a.complete(null);
            }
            inbox.add(EOF);
        }

        private byte[] fetch(final int job, final String name) {
            int id = requests.incrementAndGet();
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            classAnswers.put(id, answer);
            try {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                try (DataOutputStream d = new DataOutputStream(bos)) {
                    d.writeInt(job);
                    d.writeUTF(name);
                }
                connection.send(PoolProtocol.CLASS_REQUEST, id, bos.toByteArray());
                return answer.join();
            } catch (IOException e) {
                return null;
            } finally {
                classAnswers.remove(id);
            }
        }

        private void init(final byte[] payload) throws IOException {
            if (payload.length == 0) {
                connection.send(PoolProtocol.INIT_OK);
                return;
            }
            try {
                Job j = prepare(0, payload);
                if (j.failure != null) {
                    throw j.failure;
                }
                ((Task) j.function).run();
            } catch (Throwable e) {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                try (DataOutputStream d = new DataOutputStream(bos)) {
                    d.writeUTF(e.getClass().getName());
                    d.writeUTF(PoolProtocol.truncate(trace(e), 30_000));
                }
                connection.send(PoolProtocol.INIT_FAILED, 0, bos.toByteArray());
                return;
            }
            connection.send(PoolProtocol.INIT_OK);
        }

        /** Decodes a call's function in a fresh loader, so each call sees the snippet versions of its time. */
        private Job prepare(final int id, final byte[] payload) {
            Job j = new Job();
            try {
                TaskPayload p = TaskPayload.decode(payload);
                j.loader = new ShippedClassLoader(base(p.classPath()), n -> fetch(id, n));
                ClassLoader before = Thread.currentThread().getContextClassLoader();
                Thread.currentThread().setContextClassLoader(j.loader);
                try {
                    p.snapshot().restore(j.loader);
                    j.function = p.readTask(j.loader);
                } finally {
                    Thread.currentThread().setContextClassLoader(before);
                }
            } catch (Throwable e) {
                j.failure = e;
            }
            return j;
        }

        /** The system loader, or a child with the class path entries this worker does not have yet. */
        private ClassLoader base(final List<String> classPath) {
            Set<String> have = new HashSet<>(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
            List<String> missing = new ArrayList<>();
            for (String e : classPath) {
                if (!have.contains(e)) {
                    missing.add(e);
                }
            }
            ClassLoader system = ClassLoader.getSystemClassLoader();
            if (missing.isEmpty()) {
                return system;
            }
            return bases.computeIfAbsent(missing, m -> {
                URL[] urls = new URL[m.size()];
                for (int i = 0; i < urls.length; i++) {
                    try {
                        urls[i] = Paths.get(m.get(i)).toUri().toURL();
                    } catch (MalformedURLException ex) {
                        throw new IllegalArgumentException(ex);
                    }
                }
                return new URLClassLoader("kernel-lib-pool-classpath", urls, system);
            });
        }

        @SuppressWarnings("unchecked")
        private void chunk(final int jobId, final byte[] payload) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
            int chunk = in.readInt();
            int first = in.readInt();
            if (cancelled.contains(jobId)) {
                connection.send(PoolProtocol.SKIPPED, jobId, PoolProtocol.frame(chunk, 0, 0, new byte[0]));
                return;
            }
            Instant start = Instant.now();
            Job j = jobs.get(jobId);
            int item = -1;
            Thread t = Thread.currentThread();
            ClassLoader before = t.getContextClassLoader();
            try {
                if (j == null) {
                    throw new IllegalStateException("the worker never received call #" + jobId);
                }
                if (j.failure != null) {
                    throw j.failure;
                }
                t.setContextClassLoader(j.loader);
                Object[] items;
                items = PoolCodec.decode(PoolProtocol.tail(payload, 8), j.loader);
                SerializableFunction<Object, Object> fn = (SerializableFunction<Object, Object>) j.function;
                Object[] results = new Object[items.length];
                for (int i = 0; i < items.length; i++) {
                    item = first + i;
                    results[i] = fn.apply(items[i]);
                }
                item = -1;
                byte[] bytes;
                try {
                    bytes = PoolCodec.encode(results);
                } catch (IOException | RuntimeException e) {
                    int bad = unserializable(results);
                    item = first + bad;
                    throw ObjectCodec.cannotCopy("the result of item #" + item, results[bad], e);
                }
                connection.send(PoolProtocol.RESULT, jobId,
                        PoolProtocol.frame(chunk, PoolProtocol.epochNanos(start), PoolProtocol.epochNanos(Instant.now()), bytes));
            } catch (Throwable e) {
                sendError(jobId, chunk, start, item, e);
                if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                    // Out of memory or worse: this JVM is not to be trusted with more work.
                    Runtime.getRuntime().halt(3);
                }
            } finally {
                t.setContextClassLoader(before);
            }
        }

        private static int unserializable(final Object[] results) {
            for (int i = 0; i < results.length; i++) {
                try {
                    PoolProtocol.serialize(results[i]);
                } catch (IOException | RuntimeException e) {
                    return i;
                }
            }
            return 0;
        }

        private void sendError(final int jobId, final int chunk, final Instant start, final int item, final Throwable e)
                throws IOException {
            byte[] copy;
            try {
                copy = PoolProtocol.serialize(e);
            } catch (Throwable notSerializable) {
                copy = new byte[0];
            }
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (DataOutputStream d = new DataOutputStream(bos)) {
                d.writeInt(item);
                d.writeUTF(e.getClass().getName());
                d.writeUTF(PoolProtocol.truncate(e.getMessage(), 10_000));
                byte[] text = trace(e).getBytes(StandardCharsets.UTF_8);
                d.writeInt(text.length);
                d.write(text);
                d.writeInt(copy.length);
                d.write(copy);
            }
            connection.send(PoolProtocol.ERROR, jobId, PoolProtocol.frame(chunk, PoolProtocol.epochNanos(start),
                    PoolProtocol.epochNanos(Instant.now()), bos.toByteArray()));
        }

        private static String trace(final Throwable e) {
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            return w.toString();
        }
    }

    /** A call as the worker holds it. */
    private static final class Job {
        ClassLoader loader;
        Object function;
        Throwable failure;
    }
}
