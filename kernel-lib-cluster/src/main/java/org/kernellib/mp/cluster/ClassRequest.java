package org.kernellib.mp.cluster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.ignite.lang.IgniteCallable;
import org.kernellib.mp.serial.ClassShipper;

/**
 * A node asks the kernel for a class of a call that it cannot load (a class compiled from a
 * notebook cell that was not sent ahead): this job runs on the kernel's client node and answers
 * from the call's {@link ClassShipper}, as a local worker's class request is answered. Empty when
 * the call is over or the class unknown.
 */
final class ClassRequest implements IgniteCallable<byte[]> {
    private static final long serialVersionUID = 1L;
    /** The shippers of the calls open in this JVM, by call key. */
    private static final Map<String, ClassShipper> OPEN = new ConcurrentHashMap<>();

    private final String call;
    private final String name;

    ClassRequest(final String call, final String name) {
        this.call = call;
        this.name = name;
    }

    static void open(final String call, final ClassShipper classes) {
        if (classes != null) {
            OPEN.put(call, classes);
        }
    }

    static void close(final String call) {
        OPEN.remove(call);
    }

    @Override
    public byte[] call() {
        ClassShipper s = OPEN.get(call);
        byte[] b = s == null ? null : s.bytesFor(name);
        return b == null ? new byte[0] : b;
    }
}
