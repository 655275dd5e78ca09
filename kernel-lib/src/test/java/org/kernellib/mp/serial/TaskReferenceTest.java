package org.kernellib.mp.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        return TaskWriter.write(task).reference();
    }

    /** A task that is an object of a class. */
    static final class PlainTask implements Task {
        private static final long serialVersionUID = 1L;

        @Override
        public void run() {
        }
    }

    /** A task that is an object of a class, holding a lambda that could go by name on its own. */
    record Holder(Task inner) implements Task {
        @Override
        public void run() throws Exception {
            inner.run();
        }
    }

    @Test
    void aTaskHoldingALambdaIsNotThatLambda() {
        Task inner = TaskReferenceTest::count;
        assertTrue(referenceOf(inner).isPresent());
        assertTrue(referenceOf(new Holder(inner)).isEmpty(), "the holder travels serialized, with its lambda in it");
    }

    @Test
    void staticMethodReferencesAndNonCapturingLambdasGoByName() {
        TaskReference r = referenceOf((Task) TaskReferenceTest::count).orElseThrow();
        assertEquals(new TaskReference(TaskReferenceTest.class.getName(), "count", "()V", List.of()), r);
        assertTrue(referenceOf((Task) TaskReferenceTest::countAndReturn).isPresent(), "a result is ignored, as by Task");
        TaskReference lambda = referenceOf((Task) () -> count()).orElseThrow();
        assertTrue(lambda.method().startsWith("lambda$"), lambda.toString());
    }

    static final List<Object> SEEN = new ArrayList<>();

    static void record(final int n, final String s, final Long boxed, final char c) {
        SEEN.add(List.of(n, String.valueOf(s), String.valueOf(boxed), c));
    }

    @Test
    void stringsAndPrimitivesAreSentAsValuesWithTheName() throws Exception {
        int n = 42;
        String s = "x";
        Long nothing = null;
        char c = 'z';
        TaskReference r = referenceOf((Task) () -> record(n, s, nothing, c)).orElseThrow();
        assertEquals(Arrays.asList(42, "x", null, 'z'), r.arguments());
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            r.writeTo(out);
        }
        TaskReference back = TaskReference.readFrom(new DataInputStream(new ByteArrayInputStream(bos.toByteArray())));
        assertEquals(r, back);
        SEEN.clear();
        back.resolve(getClass().getClassLoader()).run();
        assertEquals(List.of(List.of(42, "x", "null", 'z')), SEEN);
    }

    @Test
    void tasksWithStateGoSerialized() {
        List<Integer> captured = List.of(42);
        assertEquals(Optional.empty(), referenceOf((Task) () -> System.out.println(captured)), "an object is state");
        int[] array = {1};
        assertEquals(Optional.empty(), referenceOf((Task) () -> System.out.println(array[0])), "so is an array");
        String receiver = "bound";
        assertEquals(Optional.empty(), referenceOf((Task) receiver::length), "a bound receiver is state");
        assertEquals(Optional.empty(), referenceOf((OtherTask) TaskReferenceTest::count), "only Task runs by name");
        assertEquals(Optional.empty(), referenceOf(new PlainTask()), "an object is not a lambda");
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
                () -> new TaskReference(TaskReferenceTest.class.getName(), "noSuchMethod", "()V", List.of())
                        .resolve(getClass().getClassLoader()));
        assertTrue(missing.getMessage().contains("noSuchMethod"), missing.getMessage());
    }
}
