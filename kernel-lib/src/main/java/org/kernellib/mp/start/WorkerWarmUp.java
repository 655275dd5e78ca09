package org.kernellib.mp.start;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;

import jdk.net.ExtendedSocketOptions;

import org.kernellib.mp.process.Task;
import org.kernellib.mp.serial.ShippedClassLoader;
import org.kernellib.mp.serial.ShippingObjectInputStream;
import org.kernellib.mp.serial.TaskPayload;

/**
 * What a worker does on a thread of its own while its main thread boots and reads its task:
 * installs the signal handlers ({@link ParentPipes#reportSignals}) and, in a standby, runs once
 * what every task run needs (object streams, lambda deserialization, the shipped loader, socket
 * support), so a standby JVM has those classes loaded and linked before its task arrives.
 *
 * <p>A cold worker does no more than the signal handlers: its task is already waiting in the
 * pipe, and two threads initialising the same classes only queue on each other's
 * class-initialisation locks. (No worker needs a socket to start: even a pool worker's work
 * travels over its pipes. A standby still readies socket support, for tasks that use a manager.)
 */
final class WorkerWarmUp implements Runnable {
    private final boolean full;

    /** @param full warm up everything a task run needs (a standby) */
    WorkerWarmUp(final boolean full) {
        this.full = full;
    }

    @Override
    public void run() {
        ParentPipes.reportSignals();
        if (full) {
            warmUp();
            warmUpSockets();
        }
    }

    private static void warmUp() {
        try {
            Task t = () -> { };
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (ObjectOutputStream o = new ObjectOutputStream(bos)) {
                o.writeObject(t);
            }
            ClassLoader l = new ShippedClassLoader(WorkerWarmUp.class.getClassLoader(), n -> null);
            try (ShippingObjectInputStream in = new ShippingObjectInputStream(
                    new ByteArrayInputStream(bos.toByteArray()), l)) {
                ((Task) in.readObject()).run();
            }
            TaskPayload.class.getName();
            warmUpConcatenation(t);
        } catch (Exception e) {
            // Only a warm-up: the real task will report real problems.
        }
    }

    /**
     * Links string concatenations of the common shapes, which most tasks use to print. Each new
     * shape is an invokedynamic call site whose first linkage spins method handles and classes:
     * 7 to 350 ms each in a worker JVM on the loaded two-core development machine. Later sites
     * reuse what the first ones of the same argument types built, so these few cover most
     * {@code "x = " + x} a task prints. (Python has no such cost: its {@code +} is interpreted.)
     */
    private static void warmUpConcatenation(final Object any) {
        long j = System.nanoTime();
        int i = (int) j;
        double d = j / 3.0;
        String s = Long.toString(j);
        // One call site each: javac folds a concatenation nested in another into a single site.
        String[] linked = {"i " + i, "j " + j, "d " + d, "s " + s, "o " + any, "c " + (char) i + (i > 0),
            i + " " + i, s + " " + i, s + " " + s, s + " " + any, i + " " + d, s + " " + i + " " + j,
            s + " " + s + " " + s, "" + i + j + d + s + any};
        linked[0].length();
    }

    /**
     * Initialises the JDK's Unix-domain socket support (~30 ms in a fresh JVM, more on a busy one),
     * which a task that calls a manager needs: the selector provider, the socket's random source,
     * the native libraries, and the extended options that the peer check
     * ({@code connection.PeerCredentials}) reads.
     */
    private static void warmUpSockets() {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.getOption(ExtendedSocketOptions.SO_PEERCRED); // unconnected: no one's, but initialised
        } catch (IOException | RuntimeException e) {
            // Only a warm-up: the real connection will report real problems.
        }
    }
}
