package org.kernellib.mp.shared.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.testing.ChildJvm;

/**
 * CPython's {@code _TestSharedMemory} cases ({@code Lib/test/_test_multiprocessing.py}), with the
 * Java names. Where kernel-lib differs on purpose, the case says so: a second {@code unlink()} is
 * a no-op (Python raises FileNotFoundError), indexes are Java's (no {@code sl[-1]}), and
 * {@code indexOf} returns -1 where Python's {@code index} raises ValueError.
 */
class SharedMemoryCPythonCasesTest {
    private static String name(final String prefix) {
        return prefix + ProcessHandle.current().pid(); // as CPython's _new_shm_name, for parallel runs
    }

    private static byte[] bytes(final SharedMemory shm, final int n) {
        byte[] b = new byte[n];
        shm.buf().get(0, b);
        return b;
    }

    private static void put(final SharedMemory shm, final String ascii) {
        shm.buf().put(0, ascii.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void testSharedMemoryBasics() {
        String nameTsmb = name("test01_tsmb");
        SharedMemory sms = SharedMemory.create(nameTsmb, 512);
        try {
            assertEquals(nameTsmb, sms.name());
            assertTrue(sms.size() >= 512);
            assertTrue(sms.buf().capacity() >= sms.size());
            assertTrue(sms.toString().contains(sms.name()) && sms.toString().contains(String.valueOf(sms.size())));
            sms.buf().put(0, (byte) 42);
            assertEquals(42, sms.buf().get(0));
            try (SharedMemory alsoSms = SharedMemory.attach(nameTsmb)) {
                assertEquals(42, alsoSms.buf().get(0));
            }
            assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(-2));
            assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(0));

            String nameDblunlink = name("test01_dblunlink");
            SharedMemory smsUno = SharedMemory.create(nameDblunlink, 5000);
            assertTrue(smsUno.size() >= 5000);
            SharedMemory smsDuo = SharedMemory.attach(nameDblunlink);
            smsDuo.unlink();
            smsDuo.close();
            smsUno.close();
            smsUno.unlink(); // Python: FileNotFoundError; here a no-op, the name being gone already
            assertFalse(Files.exists(Path.of("/dev/shm", nameDblunlink)));

            assertThrows(IllegalStateException.class, () -> SharedMemory.create(nameTsmb, 512));
            assertThrows(IllegalStateException.class, () -> SharedMemory.attach("test01_notthere"));
            sms.close();
        } finally {
            sms.unlink();
        }
    }

    @Test
    void testSharedMemoryPickleUnpickle() throws Exception {
        try (SharedMemory sms = SharedMemory.create(512)) {
            put(sms, "pickle");
            try (SharedMemory sms2 = (SharedMemory) roundTrip(sms)) {
                assertEquals(sms.name(), sms2.name());
                assertArrayEquals("pickle".getBytes(), bytes(sms2, 6));
                put(sms, "newval");
                assertArrayEquals("newval".getBytes(), bytes(sms2, 6));
                put(sms2, "oldval");
                assertArrayEquals("oldval".getBytes(), bytes(sms, 6));
            } finally {
                sms.unlink();
            }
        }
    }

    @Test
    void testSharedMemoryPickleUnpickleDeadObject() throws Exception {
        SharedMemory sms = SharedMemory.create(512);
        put(sms, "pickle");
        byte[] pickled = serialize(sms);
        sms.close();
        sms.unlink();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> deserialize(pickled));
        assertTrue(e.getMessage().contains("no shared memory block named"), e.getMessage());
    }

    @Test
    void testSharedMemoryAcrossProcesses() {
        try (SharedMemory sms = SharedMemory.create(512)) {
            try (ChildJvm p = ChildJvm.start(SharedMemoryCPythonCasesTest.class, "attachExistingShmemThenWrite",
                    sms.name(), "howdy")) {
                p.assertSuccess(60_000);
            }
            assertArrayEquals("howdy".getBytes(), bytes(sms, 5));
            try (ChildJvm p = ChildJvm.start(SharedMemoryCPythonCasesTest.class, "attachExistingShmemThenWrite",
                    sms, "HELLO")) {
                p.assertSuccess(60_000);
            }
            assertArrayEquals("HELLO".getBytes(), bytes(sms, 5));
            sms.unlink();
        }
    }

    static void attachExistingShmemThenWrite(final Object[] args) {
        SharedMemory local = args[0] instanceof String ? SharedMemory.attach((String) args[0]) : (SharedMemory) args[0];
        put(local, (String) args[1]);
        local.close();
    }

    @Test
    void testSharedMemoryShareableListBasics() {
        ShareableList sl = ShareableList.of("howdy", "HoWdY".getBytes(), -273.154, 100, null, true, 42);
        try {
            assertTrue(sl.toString().contains(sl.shm().name()), sl.toString());
            assertTrue(sl.toString().contains("howdy, [72, 111, 87, 100, 89], -273.154, 100, null, true, 42"),
                    sl.toString());
            assertThrows(IndexOutOfBoundsException.class, () -> sl.get(7));
            assertThrows(IndexOutOfBoundsException.class, () -> sl.set(7, 2));

            String currentFormat = sl.format();
            sl.set(0, "howdy");
            assertEquals(currentFormat, sl.format(), "str -> str keeps the format");
            assertEquals("8s8sdqxxxxxx?xxxxxxxx?q", sl.format());
            assertEquals(7, sl.size());
            assertEquals(-1, sl.indexOf("100")); // Python: index raises ValueError
            assertEquals(3, sl.indexOf(100));
            assertEquals("howdy", sl.get(0));
            assertEquals(true, sl.get(sl.size() - 2));
            List<Object> all = new ArrayList<>(sl);
            assertArrayEquals("HoWdY".getBytes(), (byte[]) all.set(1, "HoWdY"));
            assertEquals(Arrays.asList("howdy", "HoWdY", -273.154, 100L, null, true, 42L), all);

            sl.set(3, 42);
            assertEquals(42L, sl.get(3));
            sl.set(4, "some");
            assertEquals("some", sl.get(4));
            assertEquals("8s8sdq8sxxxxxxx?q", sl.format());
            assertThrows(IllegalArgumentException.class, () -> sl.set(4, "far too many"));
            assertEquals("some", sl.get(4));
            sl.set(0, "encodés"); // exactly 8 bytes of UTF-8
            assertEquals("encodés", sl.get(0));
            assertArrayEquals("HoWdY".getBytes(), (byte[]) sl.get(1), "no spillage");
            assertThrows(IllegalArgumentException.class, () -> sl.set(0, "encodées")); // 9 bytes
            assertArrayEquals("HoWdY".getBytes(), (byte[]) sl.get(1));
            assertThrows(IllegalArgumentException.class, () -> sl.set(1, "123456789".getBytes()));
            assertArrayEquals("HoWdY".getBytes(), (byte[]) sl.get(1));

            assertEquals(2, sl.count(42));
            assertEquals(1, sl.count("HoWdY".getBytes()));
            assertEquals(0, sl.count("adios".getBytes()));

            String nameDuplicate = name("test03_duplicate");
            ShareableList slCopy = ShareableList.create(nameDuplicate, sl);
            try {
                assertNotEquals(sl.name(), slCopy.name());
                assertEquals(nameDuplicate, slCopy.name());
                assertEquals(sl.format(), slCopy.format());
                assertEquals(sl.toString().replace(sl.name(), ""), slCopy.toString().replace(nameDuplicate, ""));
                slCopy.set(slCopy.size() - 1, 77);
                assertEquals(77L, slCopy.get(slCopy.size() - 1));
                assertNotEquals(77L, sl.get(sl.size() - 1));
                slCopy.close();
            } finally {
                slCopy.unlink();
            }

            try (ShareableList slTethered = ShareableList.attach(sl.name())) {
                assertEquals(sl.name(), slTethered.name());
                slTethered.set(slTethered.size() - 1, 880);
                assertEquals(880L, sl.get(sl.size() - 1));
            }
            sl.close();

            ShareableList emptySl = ShareableList.of();
            try {
                assertEquals(0, emptySl.size());
                assertEquals("", emptySl.format());
                assertEquals(0, emptySl.count("any"));
                assertEquals(-1, emptySl.indexOf(null));
                emptySl.close();
            } finally {
                emptySl.unlink();
            }
        } finally {
            sl.unlink();
        }
    }

    @Test
    void testSharedMemoryShareableListPickling() throws Exception {
        ShareableList sl = ShareableList.create(IntStream.range(0, 10).boxed().collect(Collectors.toList()));
        ShareableList largerSl = ShareableList.create(IntStream.range(0, 400).boxed().collect(Collectors.toList()));
        try {
            byte[] serializedSl = serialize(sl);
            ShareableList deserializedSl = (ShareableList) deserialize(serializedSl);
            assertEquals(9L, deserializedSl.get(deserializedSl.size() - 1));
            assertNotSame(sl, deserializedSl);
            deserializedSl.set(4, "changed");
            assertEquals("changed", sl.get(4));
            sl.set(3, "newvalue");
            assertEquals("newvalue", deserializedSl.get(3));
            assertEquals(serializedSl.length, serialize(largerSl).length, "a list travels as its name, whatever its length");
            deserializedSl.close();
        } finally {
            sl.unlink();
            largerSl.unlink();
        }
    }

    @Test
    void testSharedMemoryShareableListPicklingDeadObject() throws Exception {
        ShareableList sl = ShareableList.create(IntStream.range(0, 10).boxed().collect(Collectors.toList()));
        byte[] serializedSl = serialize(sl);
        sl.close();
        sl.unlink();
        assertThrows(IllegalStateException.class, () -> deserialize(serializedSl));
    }

    @Test
    void testSharedMemoryCleanedAfterProcessTermination() throws Exception {
        String name = name("test_terminated");
        try (ChildJvm p = ChildJvm.start(SharedMemoryCPythonCasesTest.class, "createAndSleep", name)) {
            p.awaitLine("created", 60_000);
            ProcessHandle.of(p.pid()).orElseThrow().destroy(); // SIGTERM, as Popen.terminate()
            p.waitFor(60_000);
        }
        assertFalse(Files.exists(Path.of("/dev/shm", name)), "a SharedMemory block was leaked after its creator"
                + " was terminated");
    }

    static void createAndSleep(final Object[] args) throws InterruptedException {
        SharedMemory.create((String) args[0], 10);
        System.out.println("created");
        Thread.sleep(100_000);
    }

    private static Object roundTrip(final Object o) throws IOException, ClassNotFoundException {
        return deserialize(serialize(o));
    }

    private static byte[] serialize(final Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(final byte[] b) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
            return in.readObject();
        }
    }
}
