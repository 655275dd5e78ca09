package org.kernellib.mp.cluster;

import java.util.UUID;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteException;
import org.apache.ignite.lang.IgniteBiPredicate;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.kernellib.mp.pool.ChunkExecution;

/**
 * A node's side of {@link ChunkTransport}: the kernel installs one on every server (Ignite's
 * {@code remoteListen}, which also installs it on servers that join later and removes it when the
 * kernel leaves). It runs each {@link ChunkRequest} that arrives on its topic, on the Ignite
 * thread that delivers it (one of the node's public pool, where compute jobs run too), with
 * {@link ChunkExecution}, and answers the sender with the reply ({@link NodeCalls}), the chunk's
 * printed output among it ({@link NodeOutput}).
 */
final class ChunkListener implements IgniteBiPredicate<UUID, Object> {
    private static final long serialVersionUID = 1L;

    @IgniteInstanceResource
    private transient Ignite ignite;

    /** Where answers go on the kernel's node. */
    private final String answerTopic;

    ChunkListener(final String answerTopic) {
        this.answerTopic = answerTopic;
    }

    @Override
    public boolean apply(final UUID kernel, final Object message) {
        ChunkRequest request = ChunkRequest.decode((byte[]) message);
        NodeOutput.Captured out = new NodeOutput.Captured();
        ChunkExecution.Reply r;
        try (NodeOutput.Capture c = NodeOutput.capture(out)) {
            r = run(request, kernel);
        }
        byte[] answer = ChunkRequest.answer(request.id(), NodeCalls.encode(ignite, r, out));
        try {
            ignite.message(ignite.cluster().forNodeId(kernel)).send(answerTopic, answer);
        } catch (IgniteException e) {
            // the kernel has left: no one waits for the answer
        }
        return true; // keep listening
    }

    private ChunkExecution.Reply run(final ChunkRequest request, final UUID kernel) {
        if (!ChunkCancel.begin(request.id())) {
            return NodeCalls.execution().run(null, request.chunk(), true); // cancelled before it began: skipped
        }
        try {
            ChunkExecution.Call c = NodeCalls.call(ignite, request.call(), kernel, request.payload());
            return NodeCalls.execution().run(c, request.chunk(), Thread.currentThread().isInterrupted());
        } finally {
            ChunkCancel.end(request.id());
        }
    }
}
