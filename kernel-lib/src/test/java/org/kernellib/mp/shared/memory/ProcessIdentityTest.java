package org.kernellib.mp.shared.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ProcessIdentityTest {

    @Test
    void tokensCarryPidAndThread() {
        long token = ProcessIdentity.currentToken();
        assertEquals(ProcessHandle.current().pid(), ProcessIdentity.pidOf(token));
        @SuppressWarnings("deprecation")
        long tid = Thread.currentThread().getId();
        assertEquals(tid, ProcessIdentity.threadOf(token));
    }

    @Test
    void aLiveProcessIsDeadOnlyWhenItsStartTimeDiffers() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            long token = p.pid() << 32 | 1;
            long start = ProcessIdentity.startMillis(p.toHandle());
            assertFalse(ProcessIdentity.isDead(token, start));
            assertFalse(ProcessIdentity.isDead(token, 0), "unknown start time: the pid's existence decides");
            assertTrue(ProcessIdentity.isDead(token, start - 60_000), "same pid, other start time: the pid was reused");
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            assertTrue(ProcessIdentity.isDead(token, start));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aProcessTokenNamesOneProcessLifePidReuseIncluded() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            long token = ProcessIdentity.processToken(p.pid(), ProcessIdentity.startMillis(p.toHandle()));
            assertTrue(token > 0);
            assertFalse(ProcessIdentity.isProcessDead(token));
            assertTrue(ProcessIdentity.isProcessDead(token ^ 1), "same pid, other start time: the pid was reused");
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            assertTrue(ProcessIdentity.isProcessDead(token));
        } finally {
            p.destroyForcibly();
        }
        assertFalse(ProcessIdentity.isProcessDead(ProcessIdentity.PROCESS_TOKEN));
        assertTrue(ProcessIdentity.isProcessDead(ProcessIdentity.PROCESS_TOKEN ^ 1),
                "an earlier process with this pid is dead");
    }

    @Test
    void thisProcessNeverCountsAsDead() {
        assertFalse(ProcessIdentity.isDead(ProcessIdentity.currentToken(), 12345));
    }
}
