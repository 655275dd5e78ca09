package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Which of Ignite's warnings reach a cell: the expected retry while local servers boot does not. */
class WarningLoggerTest {
    private static final String NO_SERVER_YET = "Failed to connect to any address from IP finder (will retry to join "
            + "topology every 2000 ms; change 'reconnectDelay' to configure the frequency of retries): [/127.0.0.1:47601]";

    @Test
    void theRetryWhileLocalServersBootIsLeftOutButNotLater() {
        assertEquals("", printed(true, NO_SERVER_YET));
        assertTrue(printed(false, NO_SERVER_YET).startsWith("[ignite kernel warning] Failed to connect"),
                "once the cluster formed, losing every server is news");
    }

    @Test
    void otherWarningsAreShownWhileJoining() {
        assertTrue(printed(true, "Something else went wrong").contains("[ignite kernel warning] Something else"));
    }

    private static String printed(final boolean joining, final String msg) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        WarningLogger.joiningServersStillBooting = joining;
        try {
            new WarningLogger("kernel").warning(msg, null);
        } finally {
            WarningLogger.joiningServersStillBooting = false;
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
