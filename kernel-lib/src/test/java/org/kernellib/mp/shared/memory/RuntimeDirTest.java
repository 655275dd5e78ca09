package org.kernellib.mp.shared.memory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.testing.ChildJvm;

class RuntimeDirTest {
    /** Runs in the child: creates a shared value, reports where it lives, then waits to be killed. */
    public static void createAndWait(final Object[] args) throws Exception {
        System.out.println("file " + SharedState.intValue(7).path());
        Thread.sleep(60_000);
    }

    @Test
    void shouldSweepTheDirectoryOfACreatorThatWasKilled() {
        Path file;
        try (ChildJvm child = ChildJvm.start(RuntimeDirTest.class, "createAndWait")) {
            file = Paths.get(child.awaitLine("file ", 30_000));
            assertTrue(Files.exists(file), "the child's shared file exists while it runs");
            child.kill(); // SIGKILL: no shutdown hook runs, the directory stays behind
        }
        Path dir = file.getParent();
        assertTrue(Files.isDirectory(dir), "a SIGKILLed creator cannot clean up after itself");
        assertTrue(dir.getFileName().toString().startsWith(RuntimeDir.PREFIX));

        RuntimeDir.sweepStale(dir.getParent());

        assertFalse(Files.exists(dir), "the sweep removes the directory of a dead creator");
        assertTrue(Files.isDirectory(RuntimeDir.get()), "and leaves the live one alone");
    }

    @Test
    void shouldNeverSweepTheDirectoryOfALiveProcess() {
        Path mine = RuntimeDir.get();
        RuntimeDir.sweepStale(mine.getParent());
        assertTrue(Files.isDirectory(mine));
    }

    @Test
    void shouldTellAReusedPidFromTheProcessThatOwnedTheDirectory() {
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().orElseThrow().toEpochMilli();
        assertTrue(RuntimeDir.isAlive(self.pid(), start));
        assertFalse(RuntimeDir.isAlive(self.pid(), start - 1), "same pid, other start time: another process");
    }
}
