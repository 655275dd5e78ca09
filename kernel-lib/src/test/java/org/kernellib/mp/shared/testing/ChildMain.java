package org.kernellib.mp.shared.testing;

import java.io.ByteArrayInputStream;
import java.io.ObjectInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Base64;

/** Entry point of a {@link ChildJvm}: {@code <class> <method> <base64 of serialized Object[]>}. */
public final class ChildMain {
    private ChildMain() {
    }

    public static void main(final String[] argv) throws Exception {
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
