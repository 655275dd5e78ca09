package org.kernellib.mp.pool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.kernellib.mp.process.Task;
import org.kernellib.mp.serial.ObjectCodec;
import org.kernellib.mp.serial.ShippedClassLoader;
import org.kernellib.mp.serial.TaskPayload;
import org.kernellib.mp.serial.TaskReference;

/**
 * How a worker runs a pool's work, wherever it runs: a local worker's {@link PoolWorkerLoop}, or a
 * node of a cluster ({@code kernel-lib-cluster}), which receives the same bytes by other means.
 * It decodes a call's function with the notebook state copied at the call, in a class loader of
 * its own (so each call sees the snippet classes of its time), runs the initializer, and runs a
 * chunk; each answer is a {@link Reply} laid out as {@link PoolProtocol} says, which the pool reads
 * the same way whoever sent it. One instance per worker JVM: it keeps the class loaders of class
 * path entries the worker did not start with.
 */
public final class ChunkExecution {
    /** A call's function as a worker holds it, in its own loader, or why it could not be decoded. */
    public static final class Call {
        private ClassLoader loader;
        private Object function;
        private Throwable failure;
    }

    /**
     * One answer to the pool: a {@link PoolProtocol} frame type and its payload. {@code fatal}: the
     * function hit an error after which this JVM is not to be trusted with more work (out of memory).
     */
    public record Reply(byte type, byte[] payload, boolean fatal) {
    }

    private final Map<List<String>, ClassLoader> bases = new ConcurrentHashMap<>();
    private final ClassLoader parent;
    /** This JVM's own class path entries (read once: every call's class path is compared with them). */
    private final Set<String> have = new HashSet<>(Arrays.asList(
            System.getProperty("java.class.path").split(File.pathSeparator)));

    /** Calls' classes come from the system class loader first (a local pool worker's case). */
    public ChunkExecution() {
        this(ClassLoader.getSystemClassLoader());
    }

    /**
     * @param parent the loader a call's classes come from first: the one that loaded the code
     *     running the worker, when that is not the system loader (on a cluster node, the loader of
     *     the cluster's classes, so that a call's function and the node share them)
     */
    public ChunkExecution(final ClassLoader parent) {
        this.parent = parent;
    }

    /**
     * Decodes a call's function (an encoded {@link TaskPayload}); a failure is kept and reported by
     * each chunk of the call.
     *
     * @param fetch asks the pool for a class the worker cannot load itself; null if the pool has none
     */
    public Call prepare(final byte[] payload, final Function<String, byte[]> fetch) {
        Call j = new Call();
        try {
            TaskPayload p = TaskPayload.decode(payload);
            // The snippet classes the call reaches came with it: defined from those bytes, not
            // asked of the pool one request (on a cluster, one network round trip) at a time.
            j.loader = new ShippedClassLoader(base(p.classPath()), fetch, p.classes());
            ClassLoader before = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(j.loader);
            try {
                p.snapshot().restore(j.loader);
                j.function = readFunction(p, j.loader);
            } finally {
                Thread.currentThread().setContextClassLoader(before);
            }
        } catch (Throwable e) {
            j.failure = e;
        }
        return j;
    }

    /** The call's function: by name when it came so (see {@link MethodFunction}), else deserialized. */
    private static Object readFunction(final TaskPayload p, final ClassLoader loader)
            throws IOException, ClassNotFoundException {
        TaskReference r = p.reference();
        if (r == null || r.parameters() != 1) {
            return p.readTask(loader);
        }
        try {
            return MethodFunction.of(r, loader);
        } catch (NoSuchMethodException e) {
            throw new java.io.InvalidClassException(r.implClass(), "the function's method " + r.method()
                    + " is not there in the worker: " + e);
        }
    }

    /** Runs the initializer (an encoded {@code TaskPayload} of a {@link Task}; empty for none). */
    public Reply init(final byte[] payload, final Function<String, byte[]> fetch) {
        if (payload.length == 0) {
            return new Reply(PoolProtocol.INIT_OK, new byte[0], false);
        }
        try {
            Call j = prepare(payload, fetch);
            if (j.failure != null) {
                throw j.failure;
            }
            ((Task) j.function).run();
        } catch (Throwable e) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (DataOutputStream d = new DataOutputStream(bos)) {
                d.writeUTF(e.getClass().getName());
                d.writeUTF(PoolProtocol.truncate(trace(e), 30_000));
            } catch (IOException impossible) {
                throw new UncheckedIOException(impossible);
            }
            return new Reply(PoolProtocol.INIT_FAILED, bos.toByteArray(), false);
        }
        return new Reply(PoolProtocol.INIT_OK, new byte[0], false);
    }

    /** The parent loader, or a child of it with the class path entries this worker does not have yet. */
    private ClassLoader base(final List<String> classPath) {
        List<String> missing = new ArrayList<>();
        for (String e : classPath) {
            if (!have.contains(e)) {
                missing.add(e);
            }
        }
        if (missing.isEmpty()) {
            return parent;
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
            return new URLClassLoader("kernel-lib-pool-classpath", urls, parent);
        });
    }

    /**
     * Runs one chunk ({@code int chunk, int firstItem}, then the items as {@link PoolCodec} writes
     * them) of {@code call} (null: the worker never received the call) and answers RESULT, ERROR,
     * or SKIPPED when {@code skip} (the call was cancelled before the chunk began).
     */
    @SuppressWarnings("unchecked")
    public Reply run(final Call call, final byte[] chunkBytes, final boolean skip) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(chunkBytes));
        int chunk;
        int first;
        try {
            chunk = in.readInt();
            first = in.readInt();
        } catch (IOException e) {
            throw new IllegalArgumentException("not a pool chunk: " + chunkBytes.length + " bytes", e);
        }
        if (skip) {
            return new Reply(PoolProtocol.SKIPPED, PoolProtocol.frame(chunk, 0, 0, new byte[0]), false);
        }
        Instant start = Instant.now();
        int item = -1;
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        try {
            if (call == null) {
                throw new IllegalStateException("the worker never received this call");
            }
            if (call.failure != null) {
                throw call.failure;
            }
            t.setContextClassLoader(call.loader);
            Object[] items = PoolCodec.decode(PoolProtocol.tail(chunkBytes, 8), call.loader);
            SerializableFunction<Object, Object> fn = (SerializableFunction<Object, Object>) call.function;
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
            return new Reply(PoolProtocol.RESULT, PoolProtocol.frame(chunk, PoolProtocol.epochNanos(start),
                    PoolProtocol.epochNanos(Instant.now()), bytes), false);
        } catch (Throwable e) {
            return new Reply(PoolProtocol.ERROR, error(chunk, start, item, e),
                    e instanceof VirtualMachineError && !(e instanceof StackOverflowError));
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

    private static byte[] error(final int chunk, final Instant start, final int item, final Throwable e) {
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
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return PoolProtocol.frame(chunk, PoolProtocol.epochNanos(start), PoolProtocol.epochNanos(Instant.now()),
                bos.toByteArray());
    }

    private static String trace(final Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
