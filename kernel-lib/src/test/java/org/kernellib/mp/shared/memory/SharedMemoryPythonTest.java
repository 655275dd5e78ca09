package org.kernellib.mp.shared.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.testing.Python;

/**
 * Java and a real CPython share named blocks and ShareableLists both ways, with the usage the
 * Javadoc documents leaving no resource-tracker warning and no file behind.
 */
class SharedMemoryPythonTest {
    private static Path fileOf(final String name) {
        return Path.of("/dev/shm", name);
    }

    @Test
    void pythonAttachesABlockJavaCreatedReadsItAndWritesBack() {
        try (SharedMemory shm = SharedMemory.create(64)) {
            LongBuffer longs = shm.asLongBuffer();
            long sum = 0;
            for (int i = 0; i < 8; i++) {
                longs.put(i, 1000L * i + i * i);
                sum += 1000L * i + i * i;
            }
            Python.Result r = Python.run(Python.ATTACH_UNTRACKED + String.join("\n",
                    "import struct",
                    "shm = attach(sys.argv[1])",
                    "print(shm.size, sum(struct.unpack_from('8q', shm.buf, 0)))",
                    "struct.pack_into('q', shm.buf, 0, -12345)",
                    "shm.close()"), shm.name());
            assertEquals(List.of("64 " + sum), r.out());
            assertEquals("", r.err(), "the documented attach leaves Python's resource tracker silent");
            assertEquals(-12345L, shm.asLongBuffer().get(0), "Python's write is seen in Java");
            assertTrue(Files.exists(fileOf(shm.name())), "Python's exit did not unlink Java's block");
            shm.unlink();
            assertFalse(Files.exists(fileOf(shm.name())));
        }
    }

    @Test
    void pythonsResourceTrackerUnlinksAJavaBlockItAttachedTheUsualWayAndWarns() {
        // Why the Javadoc asks Python to unregister: without it, the block dies with the Python program.
        try (SharedMemory shm = SharedMemory.create(16)) {
            Python.Result r = Python.run(String.join("\n",
                    "import sys",
                    "from multiprocessing import shared_memory",
                    "shm = shared_memory.SharedMemory(sys.argv[1])",
                    "shm.close()"), shm.name());
            assertTrue(r.err().contains("leaked shared_memory"), r.err());
            assertFalse(Files.exists(fileOf(shm.name())), "Python's tracker unlinked the block at its exit");
            shm.asLongBuffer().put(0, 7); // the mapping outlives the name
            assertEquals(7, shm.asLongBuffer().get(0));
            shm.unlink(); // the name is gone already: nothing to do, no error
        }
    }

    @Test
    void javaAttachesABlockPythonCreatedAndPythonUnlinksIt() {
        try (Python py = Python.start(String.join("\n",
                "import struct, sys",
                "from multiprocessing import shared_memory",
                "shm = shared_memory.SharedMemory(create=True, size=4096)",
                "struct.pack_into('3d', shm.buf, 0, 1.5, 2.5, 3.0)",
                "print(shm.name, flush=True)",
                "sys.stdin.readline()",
                "print(struct.unpack_from('q', shm.buf, 24)[0], flush=True)",
                "shm.close()",
                "shm.unlink()"))) {
            String name = py.readLine();
            assertTrue(name.matches("psm_[0-9a-f]{8}"), name);
            try (SharedMemory shm = SharedMemory.attach(name)) {
                assertFalse(shm.isCreator());
                assertEquals(4096, shm.size());
                assertEquals(7.0, shm.asDoubleBuffer().get(0) + shm.asDoubleBuffer().get(1) + shm.asDoubleBuffer().get(2));
                shm.asLongBuffer().put(3, Long.MIN_VALUE + 1);
            }
            py.send("done");
            assertEquals(Long.toString(Long.MIN_VALUE + 1), py.readLine());
            assertEquals(0, py.finish());
            assertEquals("", py.stderr());
            assertFalse(Files.exists(fileOf(name)));
        }
    }

    @Test
    void aShareableListJavaWroteReadsTheSameInPythonAndPythonsChangesReadInJava() {
        byte[] withZero = {1, 0, 2};
        try (ShareableList sl = ShareableList.of(42L, -7, Long.MIN_VALUE, 3.5, -0.25f, true, false, "hello",
                "héllo wörld ✓", "ééééé", "", withZero, new byte[0], null)) {
            String written = sl.format();
            assertEquals("qqqddxxxxxxx?xxxxxxx?8s24s16s8s8s8sxxxxxx?x", written);
            Python.Result r = Python.run(Python.ATTACH_UNTRACKED + String.join("\n",
                    "sl = attach_list(sys.argv[1])",
                    "print(ascii(list(sl)))",
                    "print(sl.format)",
                    "sl[0] = 'hi'",
                    "sl[7] = 99",
                    "sl[13] = 2.25",
                    "sl[3] = None",
                    "sl[5] = False",
                    "sl[8] = 'short'",
                    "sl[11] = b'xyz'",
                    "print(sl.format)",
                    "sl.shm.close()"), sl.name());
            assertEquals("[42, -7, -9223372036854775808, 3.5, -0.25, True, False, 'hello', "
                    + "'h\\xe9llo w\\xf6rld \\u2713', '\\xe9\\xe9\\xe9\\xe9\\xe9', '', b'\\x01\\x00\\x02', b'', None]",
                    r.out().get(0));
            assertEquals(written, r.out().get(1), "Python reads the formats Java wrote");
            assertEquals("", r.err());
            assertEquals(Arrays.asList("hi", -7L, Long.MIN_VALUE, null, -0.25, false, false, 99L, "short", "ééééé", "",
                    "xyz", "", 2.25), normalized(sl));
            assertEquals(r.out().get(2), sl.format(), "Java reads the formats Python wrote");
            assertTrue(Files.exists(fileOf(sl.name())));
            sl.unlink();
        }
    }

    @Test
    void aShareableListPythonWroteReadsTheSameInJavaAndJavasChangesReadInPython() {
        try (Python py = Python.start(String.join("\n",
                "import sys",
                "from multiprocessing import shared_memory",
                "sl = shared_memory.ShareableList([7, 2.5, True, None, 'abc', b'\\x00\\xff', 'x' * 20, -1])",
                "print(sl.shm.name, flush=True)",
                "sys.stdin.readline()",
                "print(ascii(list(sl)), flush=True)",
                "print(sl.format, flush=True)",
                "sl.shm.close()",
                "sl.shm.unlink()"))) {
            String name = py.readLine();
            String formats;
            try (ShareableList sl = ShareableList.attach(name)) {
                assertEquals(8, sl.size());
                assertEquals(7L, sl.get(0));
                assertEquals(2.5, sl.get(1));
                assertEquals(true, sl.get(2));
                assertNull(sl.get(3));
                assertEquals("abc", sl.get(4));
                assertArrayEquals(new byte[] {0, (byte) 0xff}, (byte[]) sl.get(5));
                assertEquals("x".repeat(20), sl.get(6));
                assertEquals(-1L, sl.get(7));
                assertEquals("q d xxxxxxx? xxxxxx?x 8s 8s 24s q".replace(" ", ""), sl.format());
                sl.set(0, "seven");
                sl.set(1, null);
                sl.set(3, 1.0e300);
                sl.set(4, true);
                sl.set(6, "ü".repeat(12));
                sl.set(7, Long.MAX_VALUE);
                formats = sl.format();
            }
            py.send("done");
            assertEquals("['seven', None, True, 1e+300, True, b'\\x00\\xff', '" + "\\xfc".repeat(12) + "', "
                    + Long.MAX_VALUE + "]", py.readLine());
            assertEquals(formats, py.readLine());
            assertEquals(0, py.finish());
            assertEquals("", py.stderr());
            assertFalse(Files.exists(fileOf(name)));
        }
    }

    @Test
    void aShareableListHasCPythonsBytesExactly() {
        // Every kind of item, and strings whose UTF-8 form fits CPython's room (there the layouts agree).
        String items = "[0, 1, -2, 2**63 - 1, 0.1, float('inf'), True, False, None, '', 'a', 'seven77', 'eight888',"
                + " 'x' * 17, '\\xe9', b'', b'12345678', b'\\x00']";
        Python.Result r = Python.run(String.join("\n",
                "from multiprocessing import shared_memory",
                "sl = shared_memory.ShareableList(" + items + ")",
                "print(bytes(sl.shm.buf).hex())",
                "sl.shm.close()",
                "sl.shm.unlink()"));
        try (ShareableList sl = ShareableList.of(0L, 1L, -2L, Long.MAX_VALUE, 0.1, Double.POSITIVE_INFINITY, true,
                false, null, "", "a", "seven77", "eight888", "x".repeat(17), "é", new byte[0],
                "12345678".getBytes(), new byte[] {0})) {
            ByteBuffer block = sl.shm().buf();
            byte[] ours = new byte[block.remaining()];
            block.get(ours);
            assertEquals(r.out().get(0), HexFormat.of().formatHex(ours));
            sl.unlink();
        }
    }

    @Test
    void anEmptyShareableListTravelsBothWays() {
        try (ShareableList sl = ShareableList.of()) {
            assertEquals(16, sl.shm().size());
            Python.Result r = Python.run(Python.ATTACH_UNTRACKED + String.join("\n",
                    "sl = attach_list(sys.argv[1])",
                    "print(len(sl), sl.shm.size)",
                    "sl.shm.close()"), sl.name());
            assertEquals(List.of("0 16"), r.out());
            sl.unlink();
        }
    }

    /** The list's items with byte[] as Strings, for one equality check. */
    private static List<Object> normalized(final ShareableList sl) {
        return Arrays.asList(sl.stream().map(o -> o instanceof byte[] ? new String((byte[]) o) : o).toArray());
    }
}
