package org.kernellib.mp.pool;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.HashMap;
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
        private final Map<Integer, ChunkExecution.Call> jobs = new HashMap<>();
        private final ChunkExecution execution = new ChunkExecution();

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
                    case PoolProtocol.JOB -> {
                        int id = f.requestId();
                        jobs.put(id, execution.prepare(f.payload(), n -> fetch(id, n)));
                    }
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
                // No lambda made on a cold worker's way to ready (see run): most pools have no initializer.
                connection.send(PoolProtocol.INIT_OK);
                return;
            }
            ChunkExecution.Reply r = execution.init(payload, n -> fetch(0, n));
            connection.send(r.type(), 0, r.payload());
        }

        private void chunk(final int jobId, final byte[] payload) throws IOException {
            ChunkExecution.Reply r = execution.run(jobs.get(jobId), payload, cancelled.contains(jobId));
            connection.send(r.type(), jobId, r.payload());
            if (r.fatal()) {
                // Out of memory or worse: this JVM is not to be trusted with more work.
                Runtime.getRuntime().halt(3);
            }
        }
    }
}
