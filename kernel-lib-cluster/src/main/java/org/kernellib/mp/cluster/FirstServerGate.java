package org.kernellib.mp.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.ignite.spi.IgniteSpiException;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

/**
 * The static IP finder of a local cluster's nodes but its first server: it lists its addresses only
 * once the first server is up, which that server says by creating a file ({@link #open(Path)}).
 * The client of {@link Cluster#startLocal} waits in one too.
 *
 * <p>Why: nodes that join before any server answers cost seconds. Ignite's client then warns
 * that it found no server and sleeps its reconnect delay (2 s) before it tries again, and two
 * servers that start at once each find the other still joining, answer each other "wait", and
 * both sleep the same 2 s. So the first server's finder lists only itself (it forms the cluster
 * at once), and every other node waits here, while its JVM and its Ignite start up to discovery
 * run in parallel with the first server's, and then joins on its first try. A server that lists
 * no address of its own never forms a cluster of its own either: a second server cannot split
 * off when the first is slow.
 *
 * <p>A client joins on a system thread, which Ignite's watchdog reports (with thread dumps) once
 * it is blocked for its {@code systemWorkerBlockedTimeout}; a client that waits here is given
 * one as long as the wait may last ({@link NodeConfig#of}).
 */
final class FirstServerGate extends TcpDiscoveryVmIpFinder {
    /** How often the file is looked for: a stat call, cheap next to a node's start. */
    private static final long POLL_MS = 5;

    private final Path readyFile;
    private final long timeoutMs;
    private final Supplier<? extends RuntimeException> failure;
    private volatile boolean open;

    /**
     * @param addresses what the finder lists once the gate is open
     * @param readyFile the file whose existence says that the first server is up
     * @param timeoutMs how long to wait for it before the node's start fails
     */
    FirstServerGate(final List<String> addresses, final Path readyFile, final long timeoutMs) {
        this(addresses, readyFile, timeoutMs, () -> null);
    }

    /**
     * @param failure asked while waiting: null, or why waiting on is pointless (a server's JVM has
     *     died), which ends the wait with that error as the cause
     */
    FirstServerGate(final List<String> addresses, final Path readyFile, final long timeoutMs,
            final Supplier<? extends RuntimeException> failure) {
        setAddresses(addresses);
        this.readyFile = readyFile;
        this.timeoutMs = timeoutMs;
        this.failure = failure;
    }

    /** How long a node may wait here. */
    long timeoutMs() {
        return timeoutMs;
    }

    /** Said by the first server once it is up: the nodes waiting on {@code readyFile} may join. */
    static void open(final Path readyFile) throws IOException {
        try {
            Files.createFile(readyFile);
        } catch (FileAlreadyExistsException e) {
            // already open
        }
    }

    /**
     * Waits until the first server is up.
     *
     * @param failure asked while waiting: null, or why waiting on is pointless (a server's JVM has
     *     died), which is then thrown
     * @throws TimeoutException when {@code timeoutMs} passed first
     */
    static void await(final Path readyFile, final long timeoutMs, final Supplier<? extends RuntimeException> failure)
            throws InterruptedException, TimeoutException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!Files.exists(readyFile)) {
            RuntimeException f = failure.get();
            if (f != null) {
                throw f;
            }
            if (System.nanoTime() > end) {
                throw new TimeoutException("the local cluster's first server was not up within " + timeoutMs / 1000 + " s");
            }
            Thread.sleep(POLL_MS);
        }
    }

    @Override
    public Collection<InetSocketAddress> getRegisteredAddresses() throws IgniteSpiException {
        if (!open) {
            try {
                await(readyFile, timeoutMs, failure);
            } catch (RuntimeException e) {
                throw new IgniteSpiException(e.getMessage(), e);
            } catch (TimeoutException e) {
                throw new IgniteSpiException(e.getMessage() + "; this node did not join", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IgniteSpiException("interrupted while waiting for the local cluster's first server", e);
            }
            open = true;
        }
        return super.getRegisteredAddresses();
    }
}
