package org.kernellib.mp.cluster;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteException;
import org.apache.ignite.IgniteMessaging;
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
    /**
     * This node's name and the messaging to the kernel's node, made at the first chunk rather
     * than at every one (the kernel's node id changes only when its client rejoins the cluster).
     */
    private transient volatile String nodeName;
    private transient volatile ToKernel toKernel;

    private record ToKernel(UUID node, IgniteMessaging messaging) {
    }

    ChunkListener(final String answerTopic) {
        this.answerTopic = answerTopic;
    }

    /**
     * Runs one request and answers it, always: a chunk the node could not run at all (its request
     * unreadable, the reply unencodable, out of memory) is answered as {@link ChunkRequest#FAILED},
     * so the kernel's call fails with the reason rather than waiting for an answer that never comes.
     */
    @Override
    public boolean apply(final UUID kernel, final Object message) {
        byte[] answer;
        String id = null;
        try {
            ChunkRequest request = ChunkRequest.decode((byte[]) message);
            id = request.id();
            NodeOutput.Captured out = new NodeOutput.Captured();
            ChunkExecution.Reply r;
            try (NodeOutput.Capture c = NodeOutput.capture(out)) {
                r = run(request, kernel);
            }
            answer = ChunkRequest.answer(id, NodeCalls.encode(nodeName(), r, out));
        } catch (Throwable e) {
            id = id != null ? id : message instanceof byte[] b ? ChunkRequest.idOf(b) : null;
            if (id == null) {
                ignite.log().error("a message on kernel-lib's chunk topic from node " + kernel + " is not a chunk", e);
                return true; // no one to answer
            }
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            answer = ChunkRequest.failed(id, "node " + nodeName() + " could not run the chunk: " + trace);
        }
        try {
            messagingTo(kernel).send(answerTopic, answer);
        } catch (IgniteException e) {
            // the kernel has left: no one waits for the answer
        }
        return true; // keep listening
    }

    private String nodeName() {
        String n = nodeName;
        if (n == null) {
            n = NodeCalls.nodeName(ignite);
            nodeName = n;
        }
        return n;
    }

    private IgniteMessaging messagingTo(final UUID kernel) {
        ToKernel t = toKernel;
        if (t == null || !t.node().equals(kernel)) {
            t = new ToKernel(kernel, ignite.message(ignite.cluster().forNodeId(kernel)));
            toKernel = t;
        }
        return t.messaging();
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
