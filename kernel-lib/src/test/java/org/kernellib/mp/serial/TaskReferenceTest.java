package org.kernellib.mp.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Serializable;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.process.Task;

/** Which tasks travel by name, and that a task read back by name behaves like the lambda. */
class TaskReferenceTest {
    static final AtomicInteger CALLS = new AtomicInteger();

    static void count() {
        CALLS.incrementAndGet();
    }

    static int countAndReturn() {
        return CALLS.incrementAndGet();
    }

    static void failChecked() throws IOException {
        throw new IOException("from the task");
    }

    /** Not Task: serializable, but run by no worker. */
    interface OtherTask extends Serializable {
        void go();
    }

    private static Optional<TaskReference> referenceOf(final Serializable task) {
        return TaskWriter.reference(task);
    }

    @Test
    void staticMethodReferencesAndNonCapturingLambdasGoByName() {
        TaskReference r = referenceOf((Task) TaskReferenceTest::count).orElseThrow();
        assertEquals(new TaskReference(TaskReferenceTest.class.getName(), "count", "()V"), r);
        assertTrue(referenceOf((Task) TaskReferenceTest::countAndReturn).isPresent(), "a result is ignored, as by Task");
        TaskReference lambda = referenceOf((Task) () -> count()).orElseThrow();
        assertTrue(lambda.method().startsWith("lambda$"), lambda.toString());
    }

    @Test
    void tasksWithStateGoSerialized() {
        int captured = 42;
        assertEquals(Optional.empty(), referenceOf((Task) () -> System.out.println(captured)));
        String receiver = "bound";
        assertEquals(Optional.empty(), referenceOf((Task) receiver::length), "a bound receiver is state");
        assertEquals(Optional.empty(), referenceOf((OtherTask) TaskReferenceTest::count), "only Task runs by name");
        assertEquals(Optional.empty(), referenceOf(new Task() {
            private static final long serialVersionUID = 1L;

            @Override
            public void run() {
            }
        }), "an object is not a lambda");
    }

    @Test
    void readBackItRunsTheMethodAndLetsItsExceptionThrough() throws Exception {
        int before = CALLS.get();
        Task t = referenceOf((Task) TaskReferenceTest::count).orElseThrow().resolve(getClass().getClassLoader());
        t.run();
        assertEquals(before + 1, CALLS.get());
        Task failing = referenceOf((Task) TaskReferenceTest::failChecked).orElseThrow()
                .resolve(getClass().getClassLoader());
        IOException e = assertThrows(IOException.class, failing::run);
        assertEquals("from the task", e.getMessage());
    }

    @Test
    void aPayloadCarriesTheReferenceInsteadOfObjectStreamBytes() throws Exception {
        TaskPayload p = TaskPayload.prepare((Task) TaskReferenceTest::count, "by-name", false, "MainProcess",
                loaders -> java.util.List.of());
        TaskPayload back = TaskPayload.decode(p.encode());
        int before = CALLS.get();
        ((Task) back.readTask(getClass().getClassLoader())).run();
        assertEquals(before + 1, CALLS.get());
        NoSuchMethodException missing = assertThrows(NoSuchMethodException.class,
                () -> new TaskReference(TaskReferenceTest.class.getName(), "noSuchMethod", "()V")
                        .resolve(getClass().getClassLoader()));
        assertTrue(missing.getMessage().contains("noSuchMethod"), missing.getMessage());
    }
}
