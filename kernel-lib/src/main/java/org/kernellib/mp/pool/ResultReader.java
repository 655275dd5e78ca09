package org.kernellib.mp.pool;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.serial.ClassShipper;
import org.kernellib.mp.serial.ShippingObjectInputStream;
import org.kernellib.mp.start.WorkerHandle;

/**
 * Takes what the local workers send (see {@link PoolProtocol}), on the thread that relays each
 * worker's stderr: the initializer's outcome, class requests, which it answers, and each chunk's
 * results or error, which it decodes outside the pool's lock and enters into the {@link JobBook}.
 * When a worker's stderr ends (it exited or was killed), it hands the worker to
 * {@link LocalWorkers#workerEnded}.
 */
final class ResultReader {
    private final JobBook book;
    private final LocalWorkers workers;

    ResultReader(final JobBook book, final LocalWorkers workers) {
        this.book = book;
        this.workers = workers;
    }

    /** The reader of worker {@code s}'s frames, to be given to its handle's {@code listen}. */
    WorkerHandle.TaskTraffic of(final LocalWorker s) {
        return new WorkerHandle.TaskTraffic() {
            @Override
            public void frame(final Frame f) {
                take(s, f);
            }

            @Override
            public void ended() {
                workers.workerEnded(s);
            }
        };
    }

    private void take(final LocalWorker s, final Frame f) {
        try {
            switch (f.type()) {
                case PoolProtocol.HELLO -> {
                    if (!s.runsInitializer) {
                        s.ready.complete(null);
                    }
                }
                case PoolProtocol.INIT_OK -> s.ready.complete(null);
                case PoolProtocol.INIT_FAILED -> {
                    s.initFailed = true;
                    s.ready.completeExceptionally(initFailure(book.poolName(), s.name, s.pid, f.payload()));
                }
                case PoolProtocol.CLASS_REQUEST -> answerClassRequest(s, f);
                case PoolProtocol.RESULT, PoolProtocol.ERROR, PoolProtocol.SKIPPED -> chunkDone(s, f);
                case PoolProtocol.BULK -> {
                    Frame whole = s.bulk.read(f.requestId(), f.payload());
                    if (whole.type() != PoolProtocol.BULK) {
                        take(s, whole);
                    }
                }
                default -> { }
            }
        } catch (IOException | RuntimeException e) {
            // It sent garbage, or its stdin broke as it died: either way it is done for, and its
            // end (workerEnded, when its stderr ends) fails or requeues what it held. Only a live
            // one is said to be killed for it; a dying one's exit says how it ended.
            if (s.handle.isAlive()) {
                workers.killFrozen(s, "sent what the pool could not read or answer (" + e + "), so the pool killed it");
            }
        }
    }

    private void answerClassRequest(final LocalWorker s, final Frame f) throws IOException {
        DataInputStream in = new DataInputStream(PoolProtocol.tail(f.payload(), 0));
        int jobId = in.readInt();
        String cls = in.readUTF();
        ClassShipper shipper;
        if (jobId == 0) {
            shipper = workers.initializerClasses;
        } else {
            synchronized (book.lock) {
                Job j = book.jobLocked(jobId);
                shipper = j == null ? null : j.shipper;
            }
        }
        byte[] b = shipper == null ? null : shipper.bytesFor(cls);
        s.send(PoolProtocol.CLASS_BYTES, f.requestId(), b == null ? new byte[0] : b);
    }

    private void chunkDone(final LocalWorker s, final Frame f) throws IOException {
        Job job;
        synchronized (book.lock) {
            job = book.jobLocked(f.requestId());
        }
        Answer a = decode(s.name, s.pid, job, f.type(), f.payload());
        synchronized (book.lock) {
            Chunk c = s.takeInflight(f.requestId(), a.index());
            if (c != null) {
                book.chunkEndedLocked(c, s.name, s.pid, a.start(), a.end(), a.skipped(), a.results(), a.error());
            }
            workers.chunkEndedLocked(s);
        }
        if (job != null) {
            job.reportProgress();
        }
    }

    /** A chunk's answer (RESULT, ERROR or SKIPPED), decoded outside the pool's lock. */
    record Answer(int index, Instant start, Instant end, boolean skipped, Object[] results, PoolException error) {
    }

    /** Decodes a chunk's answer from {@code worker}; {@code job} is null when the call is over already. */
    static Answer decode(final String worker, final long pid, final Job job, final byte type, final byte[] payload)
            throws IOException {
        DataInputStream in = new DataInputStream(PoolProtocol.tail(payload, 0));
        int index = in.readInt();
        Instant start = PoolProtocol.instant(in.readLong());
        Instant end = PoolProtocol.instant(in.readLong());
        Object[] results = null;
        PoolException error = null;
        if (job != null && type == PoolProtocol.RESULT) {
            try {
                results = PoolCodec.decode(PoolProtocol.tail(payload, 20), job.resultLoader);
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                error = new PoolException("cannot read the results of chunk " + index + " of call #" + job.id
                        + " from worker " + worker + " (pid " + pid + "): " + e, e);
            }
        } else if (job != null && type == PoolProtocol.ERROR) {
            error = taskError(worker, pid, job, in);
        }
        return new Answer(index, start, end, type == PoolProtocol.SKIPPED, results, error);
    }

    /** What an INIT_FAILED payload says, as the exception the pool throws. */
    static PoolException initFailure(final String poolName, final String worker, final long pid, final byte[] payload)
            throws IOException {
        DataInputStream in = new DataInputStream(PoolProtocol.tail(payload, 0));
        String cls = in.readUTF();
        String trace = in.readUTF();
        return new PoolException("the initializer of " + poolName + " failed in worker " + worker + " (pid " + pid
                + "): " + firstLine(trace), new RemoteException(worker, pid, cls, trace));
    }

    /** What an ERROR payload says after its chunk, start and end, as the exception the call fails with. */
    static PoolTaskException taskError(final String worker, final long pid, final Job job, final DataInputStream in)
            throws IOException {
        int item = in.readInt();
        String cls = in.readUTF();
        String message = in.readUTF();
        byte[] text = new byte[in.readInt()];
        in.readFully(text);
        byte[] copy = new byte[in.readInt()];
        in.readFully(copy);
        String trace = new String(text, StandardCharsets.UTF_8);
        RemoteException remote = new RemoteException(worker, pid, cls, trace);
        Throwable cause = remote;
        if (copy.length > 0) {
            try (ObjectInputStream oin = new ShippingObjectInputStream(PoolProtocol.tail(copy, 0), job.resultLoader)) {
                Throwable original = (Throwable) oin.readObject();
                original.addSuppressed(remote);
                cause = original;
            } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
                cause = remote;
            }
        }
        String where = item >= 0 ? " on item #" + item : "";
        return new PoolTaskException("task failed in worker " + worker + " (pid " + pid + ")" + where + " of pool call #"
                + job.id + " (" + job.label + "): " + cls + (message.isEmpty() ? "" : ": " + message),
                cause, worker, pid, item, trace);
    }

    private static String firstLine(final String s) {
        int i = s.indexOf('\n');
        return (i < 0 ? s : s.substring(0, i)).trim();
    }
}
