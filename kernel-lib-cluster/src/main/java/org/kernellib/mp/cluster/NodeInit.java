package org.kernellib.mp.cluster;

import java.util.UUID;

import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.kernellib.mp.pool.ChunkExecution;

/**
 * A pool's initializer, broadcast to every server when the pool starts (Ignite's compute grid:
 * it answers once all servers have run it). It carries kernel-lib's own bytes, the encoded
 * initializer with the notebook state copied at the call, never a user object, so Ignite needs no
 * class of the notebook and no peer class loading. The node runs it with {@link ChunkExecution}
 * and answers with bytes ({@link NodeCalls}), what it printed among them ({@link NodeOutput}).
 * (A pool's chunks travel as messages: {@link ChunkTransport}.)
 */
final class NodeInit implements IgniteCallable<byte[]> {
    private static final long serialVersionUID = 1L;

    @IgniteInstanceResource
    private transient Ignite ignite;

    /** The initializer's key in the kernel (for its classes). */
    private final String call;
    /** The kernel's client node, which answers class requests. */
    private final UUID kernel;
    private final byte[] payload;

    NodeInit(final String call, final UUID kernel, final byte[] payload) {
        this.call = call;
        this.kernel = kernel;
        this.payload = payload;
    }

    @Override
    public byte[] call() {
        NodeOutput.Captured out = new NodeOutput.Captured();
        ChunkExecution.Reply r;
        try (NodeOutput.Capture c = NodeOutput.capture(out)) {
            r = NodeCalls.execution().init(payload, NodeCalls.classes(ignite, call, kernel));
        }
        return NodeCalls.encode(NodeCalls.nodeName(ignite), r, out);
    }
}
