package org.kernellib.mp.cluster;

import java.util.UUID;

import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.kernellib.mp.pool.ChunkExecution;

/**
 * The one job class that carries a pool chunk to a node: kernel-lib's own bytes (the call's
 * encoded function with the notebook state copied at the call, and the chunk's encoded items),
 * never a user object, so Ignite needs no class of the notebook and no peer class loading. The
 * node decodes the call once ({@link NodeCalls}), runs the chunk with {@link ChunkExecution}, and
 * answers with bytes. If the node dies meanwhile, Ignite's failover sends the same job to another.
 */
final class ChunkJob implements IgniteCallable<byte[]> {
    private static final long serialVersionUID = 1L;

    @IgniteInstanceResource
    private transient Ignite ignite;

    private final String call;
    private final UUID kernel;
    private final byte[] payload;
    private final byte[] chunk;

    ChunkJob(final String call, final UUID kernel, final byte[] payload, final byte[] chunk) {
        this.call = call;
        this.kernel = kernel;
        this.payload = payload;
        this.chunk = chunk;
    }

    @Override
    public byte[] call() {
        ChunkExecution.Call c = NodeCalls.call(ignite, call, kernel, payload);
        return NodeCalls.encode(ignite, NodeCalls.execution().run(c, chunk, Thread.currentThread().isInterrupted()));
    }
}
