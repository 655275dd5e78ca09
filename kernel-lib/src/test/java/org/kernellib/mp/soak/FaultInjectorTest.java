package org.kernellib.mp.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The injector signals by pid, and a pid outlives its process: once pids wrap, the number names
 * another process or a thread of this JVM, and kill(2) with a thread's id signals the whole JVM.
 * Only a live child of this JVM may be signalled.
 */
class FaultInjectorTest {

    @Test
    void aThreadOfThisJvmIsNeverAVictim() {
        long self = ProcessHandle.current().pid();
        List<Long> threadIds = Arrays.stream(new File("/proc/self/task").list())
                .map(Long::parseLong).filter(tid -> tid != self).collect(Collectors.toList());
        assertTrue(threadIds.size() > 1, "a JVM has several threads: " + threadIds);
        for (long tid : threadIds) {
            assertNull(FaultInjector.childOfThisJvm(tid), "thread " + tid + " of this JVM");
        }
    }

    @Test
    void thisJvmAndItsParentAreNeverVictims() {
        assertNull(FaultInjector.childOfThisJvm(ProcessHandle.current().pid()));
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        assertNull(FaultInjector.childOfThisJvm(parent));
    }

    @Test
    void aLiveChildIsAVictimAndADeadOneIsNot() throws Exception {
        java.lang.Process child = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessHandle h = FaultInjector.childOfThisJvm(child.pid());
            assertNotNull(h);
            assertEquals(child.pid(), h.pid());
        } finally {
            child.destroyForcibly().waitFor();
        }
        assertNull(FaultInjector.childOfThisJvm(child.pid()));
    }
}
