package org.kernellib.mp.shared.testing;

import java.io.ByteArrayInputStream;
import java.io.ObjectInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Base64;

/**
 * Entry point of a {@link ChildJvm}: {@code <class> <method> <base64 of serialized Object[]>}.
 * The child ends when its parent does, however the parent ends: its stdin is a pipe from the
 * parent that nothing writes to, so it reads end-of-file once the parent is gone, SIGKILLed
 * included (a benchmark's spinning producers outlived a killed driver and loaded the machine).
 */
public final class ChildMain {
    private ChildMain() {
    }

    public static void main(final String[] argv) throws Exception {
        Thread parentWatch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent on it; wait for the end
                }
            } catch (java.io.IOException e) {
                // the same: the parent's end is gone
            }
            Runtime.getRuntime().halt(1);
        }, "child-parent-watch");
        parentWatch.setDaemon(true);
        parentWatch.start();
        Object[] args;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(argv[2])))) {
            args = (Object[]) in.readObject();
        }
        Method m = Class.forName(argv[0]).getDeclaredMethod(argv[1], Object[].class);
        m.setAccessible(true);
        try {
            m.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            e.getCause().printStackTrace(System.out);
            System.out.flush();
            System.exit(3);
        }
        System.out.flush();
        System.exit(0);
    }
}
