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
import java.util.function.Consumer;
import java.util.function.Function;

import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.process.CurrentProcess;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.start.ParentPipes;

/**
 * What a pool worker JVM runs: takes the pool's frames from its own pipes ({@link ParentPipes}) and
 * runs chunks until the pool says STOP (see {@link PoolProtocol}).
 */
final class PoolWorkerLoop {
    private PoolWorkerLoop() {
    }

    /**
     * The worker's task. A lambda that captures only a string (where large results go, see
     * {@link BulkPayloads}), so it travels by name (see {@code serial.TaskReference}) and a cold
     * pool worker needs no object stream to start.
     */
    static Task task(final String bulkDirectory) {
        return () -> serve(bulkDirectory);
    }

    private static void serve(final String bulkDirectory) throws Exception {
        ParentPipes parent = ParentPipes.current();
        if (parent == null) {
            throw new IllegalStateException("a pool worker's loop runs only in a worker JVM started by a pool");
        }
        new Loop(parent, new BulkPayloads(Paths.get(bulkDirectory), CurrentProcess.get().pid())).run();
    }

    /** The worker's state: calls it knows, their loaders, and the frames that came. */
    private static final class Loop {
        private final ParentPipes parent;
        private final BulkPayloads bulk;
        private final LinkedBlockingQueue<Frame> inbox = new LinkedBlockingQueue<>();
        private final Set<Integer> cancelled = ConcurrentHashMap.newKeySet();
        private final Map<Integer, CompletableFuture<byte[]>> classAnswers = new ConcurrentHashMap<>();
        private final AtomicInteger requests = new AtomicInteger();
        private final Map<Integer, ChunkExecution.Call> jobs = new HashMap<>();
        private final ChunkExecution execution = new ChunkExecution();

        Loop(final ParentPipes parent, final BulkPayloads bulk) {
            this.parent = parent;
            this.bulk = bulk;
        }

        void run() throws Exception {
            // An anonymous class, not this::take: a cold worker should not pay for bootstrapping
            // its first lambda before it can say it is ready (see ChildMain).
            parent.listen(new Consumer<Frame>() {
                @Override
                public void accept(final Frame f) {
                    take(f);
                }
            });
            // Said at once, not in answer to a frame: the pool needs no hop through the thread
            // that reads stdin, which a cold JVM is still setting up, to know this worker is ready.
            parent.send(PoolProtocol.HELLO, 0, new byte[0]);
            while (true) {
                Frame f = inbox.take();
                switch (f.type()) {
                    case PoolProtocol.STOP -> {
                        return; // the pool is done with this worker: an orderly end
                    }
                    case PoolProtocol.INIT -> init(f.payload());
                    case PoolProtocol.JOB -> jobs.put(f.requestId(),
                            execution.prepare(f.payload(), new ClassFetch(f.requestId())));
                    case PoolProtocol.FORGET -> {
                        jobs.remove(f.requestId());
                        cancelled.remove(f.requestId());
                    }
                    case PoolProtocol.CHUNK -> chunk(f.requestId(), f.payload());
                    default -> { }
                }
            }
        }

        /**
         * A frame from the pool, on the thread that reads stdin: class bytes and cancellations take
         * effect at once (a chunk may be waiting for the one, running under the other), the rest
         * is done in order by {@link #run}.
         */
        private void take(final Frame f) {
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

        /**
         * Asks the pool for the bytes of a class of call {@code job} (0: the initializer). A class,
         * not a lambda: the pool's first call would otherwise also pay for spinning its proxy class,
         * which the workers' class-data archive cannot hold (its training runs no pool loop).
         */
        private final class ClassFetch implements Function<String, byte[]> {
            private final int job;

            ClassFetch(final int job) {
                this.job = job;
            }

            @Override
            public byte[] apply(final String name) {
                return fetch(job, name);
            }
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
                parent.send(PoolProtocol.CLASS_REQUEST, id, bos.toByteArray());
                return answer.join();
            } catch (IOException e) {
                return null;
            } finally {
                classAnswers.remove(id);
            }
        }

        private void init(final byte[] payload) throws IOException {
            ChunkExecution.Reply r = execution.init(payload, new ClassFetch(0));
            parent.send(r.type(), 0, r.payload());
        }

        private void chunk(final int jobId, final byte[] payload) throws IOException {
            ChunkExecution.Reply r = execution.run(jobs.get(jobId), payload, cancelled.contains(jobId));
            if (r.payload().length >= BulkPayloads.MIN_BYTES) {
                parent.send(PoolProtocol.BULK, jobId, bulk.write(r.type(), r.payload()));
            } else {
                parent.send(r.type(), jobId, r.payload());
            }
            if (r.fatal()) {
                // Out of memory or worse: this JVM is not to be trusted with more work.
                Runtime.getRuntime().halt(3);
            }
        }
    }
}
