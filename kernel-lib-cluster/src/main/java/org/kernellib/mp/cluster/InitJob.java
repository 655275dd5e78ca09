package org.kernellib.mp.cluster;

import java.util.UUID;

import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.kernellib.mp.pool.ChunkExecution;

/** Runs a pool's initializer on a node (broadcast to every server when the pool starts); see {@link ChunkJob}. */
final class InitJob implements IgniteCallable<byte[]> {
    private static final long serialVersionUID = 1L;

    @IgniteInstanceResource
    private transient Ignite ignite;

    private final String call;
    private final UUID kernel;
    private final byte[] payload;

    InitJob(final String call, final UUID kernel, final byte[] payload) {
        this.call = call;
        this.kernel = kernel;
        this.payload = payload;
    }

    @Override
    public byte[] call() {
        ChunkExecution.Reply r = NodeCalls.execution().init(payload, NodeCalls.classes(ignite, call, kernel));
        return NodeCalls.encode(ignite, r);
    }
}
