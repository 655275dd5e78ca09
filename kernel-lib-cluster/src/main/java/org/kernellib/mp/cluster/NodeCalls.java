package org.kernellib.mp.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.apache.ignite.Ignite;
import org.kernellib.mp.pool.ChunkExecution;
import org.kernellib.mp.pool.ChunkRunner;
import org.kernellib.mp.start.WorkerClassPath;

/**
 * A node's side of a pool: the calls it has decoded (the most recent few, each in its own class
 * loader, so the notebook state copied at the call is restored once per node, not once per chunk),
 * how a missing class is asked of the kernel, and the reply's wire form.
 *
 * <p>Reply layout (what {@link NodeInit} returns and {@link ChunkListener} answers, a plain
 * {@code byte[]}, so Ignite never marshals a user object): {@code UTF worker name, long pid,
 * byte type, int n, n bytes payload}
 * ({@link ChunkExecution.Reply}'s type and payload), then the task's output as {@code int n,
 * n bytes} of UTF-8 for stdout and the same for stderr ({@link NodeOutput}).
 */
final class NodeCalls {
    private static final long PID = ProcessHandle.current().pid();
    /** Calls kept decoded per node; a pool has a handful open at once. */
    private static final int KEPT = 16;
    /**
     * Calls' classes come from the loader of the node's whole class path first: Ignite and
     * kernel-lib-cluster (on a local server's own class path, see {@link LocalServer#command}), and
     * the kernel's class path that a local server was started with; on a node started by
     * {@code ignite.sh}, its class path.
     */
    private static final ChunkExecution EXECUTION = new ChunkExecution(WorkerClassPath.loader());
    private static final Map<String, ChunkExecution.Call> CALLS = new LinkedHashMap<>(KEPT, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, ChunkExecution.Call> eldest) {
            return size() > KEPT;
        }
    };

    private NodeCalls() {
    }

    static ChunkExecution execution() {
        return EXECUTION;
    }

    /** The call decoded on this node, decoding it now if it is not kept. */
    static ChunkExecution.Call call(final Ignite ignite, final String key, final UUID kernel, final byte[] payload) {
        synchronized (CALLS) {
            ChunkExecution.Call c = CALLS.get(key);
            if (c != null) {
                return c;
            }
        }
        ChunkExecution.Call c = EXECUTION.prepare(payload, classes(ignite, key, kernel));
        synchronized (CALLS) {
            ChunkExecution.Call raced = CALLS.putIfAbsent(key, c);
            return raced != null ? raced : c;
        }
    }

    /**
     * Asks the kernel's node for a class of call {@code key} (see {@link ClassRequest}). The request
     * runs with Ignite's own loader as the thread's context loader: Ignite resolves a job's loader
     * through the context loader, and the call's loader (the context loader while the chunk runs)
     * would ask the kernel for Ignite's classes by this same path, without end.
     */
    static Function<String, byte[]> classes(final Ignite ignite, final String key, final UUID kernel) {
        return name -> {
            Thread t = Thread.currentThread();
            ClassLoader before = t.getContextClassLoader();
            t.setContextClassLoader(NodeCalls.class.getClassLoader());
            try {
                byte[] b = ignite.compute(ignite.cluster().forNodeId(kernel)).call(new ClassRequest(key, name));
                return b == null || b.length == 0 ? null : b;
            } finally {
                t.setContextClassLoader(before);
            }
        };
    }

    /** The reply of node {@code nodeName} ({@link #nodeName}), with what the task printed, in its wire form. */
    static byte[] encode(final String nodeName, final ChunkExecution.Reply r, final NodeOutput.Captured output) {
        byte[] out = output.out.text().getBytes(StandardCharsets.UTF_8);
        byte[] err = output.err.text().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bos = new ByteArrayOutputStream(r.payload().length + out.length + err.length + 64);
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeUTF(nodeName);
            d.writeLong(PID);
            d.writeByte(r.type());
            d.writeInt(r.payload().length);
            d.write(r.payload());
            d.writeInt(out.length);
            d.write(out);
            d.writeInt(err.length);
            d.write(err);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bos.toByteArray();
    }

    /** This node's name as cells see it (server-1, ...), or Ignite's instance name on a node kernel-lib did not name. */
    static String nodeName(final Ignite ignite) {
        Object name = ignite.cluster().localNode().attribute(NodeConfig.NAME);
        return name != null ? name.toString() : ignite.name();
    }

    /** A node's reply in this JVM: what the task printed is shown now, marked with the node. */
    static ChunkRunner.Outcome decode(final byte[] reply) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(reply))) {
            String worker = in.readUTF();
            long pid = in.readLong();
            byte type = in.readByte();
            byte[] payload = bytes(in);
            String out = new String(bytes(in), StandardCharsets.UTF_8);
            NodeOutput.relay(worker, out, new String(bytes(in), StandardCharsets.UTF_8));
            return new ChunkRunner.Outcome(worker, pid, type, payload);
        } catch (IOException e) {
            throw new UncheckedIOException("a node's reply is unreadable: " + e, e);
        }
    }

    /** An {@code int n, n bytes} field (the replies' and {@link ChunkRequest}'s). */
    static byte[] bytes(final DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }
}
