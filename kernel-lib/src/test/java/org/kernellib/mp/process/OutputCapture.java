package org.kernellib.mp.process;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Replaces System.out and System.err for the duration of a test; relays write into them. */
final class OutputCapture implements AutoCloseable {
    private final PrintStream oldOut = System.out;
    private final PrintStream oldErr = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    OutputCapture() {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    synchronized String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    synchronized String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** stderr as the relay wrote it, byte for byte. */
    synchronized byte[] errBytes() {
        return err.toByteArray();
    }

    @Override
    public void close() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        oldOut.print(out());
        oldErr.print(err());
    }
}
