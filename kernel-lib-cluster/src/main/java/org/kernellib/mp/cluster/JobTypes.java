package org.kernellib.mp.cluster;

import java.util.UUID;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteBinary;

/**
 * The classes kernel-lib hands to Ignite ({@link NodeInit}, {@link ChunkCancel} and
 * {@link ClassRequest} to its compute grid, {@link ChunkListener} to its messaging), registered
 * with Ignite's binary marshaller by a local cluster's first server before any other node joins.
 *
 * <p>Ignite registers a class the first time a node sends one: its name, then its fields, each a
 * discovery message that goes round the whole cluster while the sending call waits. That wait
 * was most of a fresh cluster's first {@code apply} (59-106 ms of it in the kernel's
 * {@code callAsync}, sampled, when chunks were compute jobs). Done by the first server while it is alone, it costs that server
 * a few milliseconds, and every node that joins later receives the registrations with the
 * cluster's state.
 */
final class JobTypes {
    private JobTypes() {
    }

    static void register(final Ignite ignite) {
        UUID none = new UUID(0, 0);
        byte[] empty = new byte[0];
        IgniteBinary binary = ignite.binary();
        binary.toBinary(new NodeInit("", none, empty));
        binary.toBinary(new ChunkListener(""));
        binary.toBinary(new ChunkCancel(""));
        binary.toBinary(new ClassRequest("", ""));
    }
}
