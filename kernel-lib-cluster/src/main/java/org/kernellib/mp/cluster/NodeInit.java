package org.kernellib.mp.cluster;

import java.util.UUID;

import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.kernellib.mp.pool.ChunkExecution;

/**
 * What carries a pool's work to a node: kernel-lib's own bytes (the call's encoded function with
 * the notebook state copied at the call, and for a chunk its encoded items), never a user object,
 * so Ignite needs no class of the notebook and no peer class loading. The node runs it with
 * {@link ChunkExecution} and answers with bytes ({@link NodeCalls}), the task's printed output
 * among them ({@link NodeOutput}). If the node dies meanwhile, Ignite's failover sends the same
 * job to another.
 */
abstract class NodeJob implements IgniteCallable<byte[]> {
    private static final long serialVersionUID = 1L;

    @IgniteInstanceResource
    private transient Ignite ignite;

    /** The call's key in the kernel (for its classes, and the node's decoded copy). */
    private final String call;
    /** The kernel's client node, which answers class requests. */
    private final UUID kernel;
    private final byte[] payload;

    private NodeJob(final String call, final UUID kernel, final byte[] payload) {
        this.call = call;
        this.kernel = kernel;
        this.payload = payload;
    }

    /**
     * Chunk {@code chunk} of a pool call (as {@link ChunkExecution#run} takes it).
     *
     * @param id the chunk's name for {@link ChunkCancel}, unique in the cluster
     */
    static NodeJob chunk(final String id, final String call, final UUID kernel, final byte[] payload, final byte[] chunk) {
        return new Chunk(id, call, kernel, payload, chunk);
    }

    /** A pool's initializer, broadcast to every server when the pool starts. */
    static NodeJob init(final String call, final UUID kernel, final byte[] payload) {
        return new Init(call, kernel, payload);
    }

    @Override
    public final byte[] call() {
        NodeOutput.Captured out = new NodeOutput.Captured();
        ChunkExecution.Reply r;
        try (NodeOutput.Capture c = NodeOutput.capture(out)) {
            r = run(ignite, call, kernel, payload);
        }
        return NodeCalls.encode(ignite, r, out);
    }

    abstract ChunkExecution.Reply run(Ignite ignite, String call, UUID kernel, byte[] payload);

    static final class Chunk extends NodeJob {
        private static final long serialVersionUID = 1L;
        private final String id;
        private final byte[] chunk;

        Chunk(final String id, final String call, final UUID kernel, final byte[] payload, final byte[] chunk) {
            super(call, kernel, payload);
            this.id = id;
            this.chunk = chunk;
        }

        @Override
        ChunkExecution.Reply run(final Ignite ignite, final String call, final UUID kernel, final byte[] payload) {
            if (!ChunkCancel.begin(id)) {
                return NodeCalls.execution().run(null, chunk, true); // cancelled before it began: skipped
            }
            try {
                ChunkExecution.Call c = NodeCalls.call(ignite, call, kernel, payload);
                return NodeCalls.execution().run(c, chunk, Thread.currentThread().isInterrupted());
            } finally {
                ChunkCancel.end(id);
            }
        }
    }

    static final class Init extends NodeJob {
        private static final long serialVersionUID = 1L;

        Init(final String call, final UUID kernel, final byte[] payload) {
            super(call, kernel, payload);
        }

        @Override
        ChunkExecution.Reply run(final Ignite ignite, final String call, final UUID kernel, final byte[] payload) {
            return NodeCalls.execution().init(payload, NodeCalls.classes(ignite, call, kernel));
        }
    }
}
