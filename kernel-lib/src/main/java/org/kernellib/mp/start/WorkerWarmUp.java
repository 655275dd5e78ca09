package org.kernellib.mp.start;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;

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
 * class-initialisation locks.
 */
final class WorkerWarmUp implements Runnable {
    private final boolean full;

    WorkerWarmUp(final boolean full) {
        this.full = full;
    }

    @Override
    public void run() {
        ParentPipes.reportSignals();
        if (full) {
            warmUp();
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
            // Bootstraps invokedynamic string concatenation, which most tasks use.
            String concat = "warm " + System.nanoTime() + t;
            concat.length();
            // Initialises the JDK's Unix-domain socket support (~30 ms in a fresh JVM): a standby
            // taken as a pool worker connects to its pool at once.
            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.isOpen();
            }
        } catch (Exception e) {
            // Only a warm-up: the real task will report real problems.
        }
    }
}
