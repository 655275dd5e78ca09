package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Which of Ignite's warnings reach a cell. */
class WarningLoggerTest {
    @Test
    void aNodeThatFindsNoServerIsNewsAlways() {
        // startLocal's nodes wait for the first server (FirstServerGate) instead of hiding this warning
        String noServer = "Failed to connect to any address from IP finder (will retry to join topology every 2000 ms; "
                + "change 'reconnectDelay' to configure the frequency of retries): [/127.0.0.1:47601]";
        assertTrue(printed(noServer).startsWith("[ignite kernel warning] Failed to connect"), printed(noServer));
    }

    @Test
    void productionAdviceIsLeftOutOtherWarningsAreShown() {
        assertEquals("", printed("Initial heap size is 32MB (min heap size is recommended to be 512MB)"));
        assertTrue(printed("Something else went wrong").contains("[ignite kernel warning] Something else"));
    }

    private static String printed(final String msg) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            new WarningLogger("kernel").warning(msg, null);
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
