package org.kernellib.mp.shared.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class ShareableListTest {

    @Test
    void itemsKeepPythonsTypesAndAnotherHandleSeesChanges() {
        try (ShareableList sl = ShareableList.of(1, (short) 2, 3L, 1.5f, 2.5, true, "ab", new byte[] {9}, null);
                ShareableList other = ShareableList.attach(sl.name())) {
            assertEquals(Arrays.asList(1L, 2L, 3L, 1.5, 2.5, true, "ab"), other.subList(0, 7));
            assertArrayEquals(new byte[] {9}, (byte[]) other.get(7));
            assertNull(other.get(8));
            assertEquals("qqqddxxxxxxx?8s8sxxxxxx?x", other.format());
            assertEquals(1L, sl.set(0, "z"));
            assertEquals("z", other.get(0));
            assertEquals("8sqqddxxxxxxx?8s8sxxxxxx?x", other.format());
            sl.unlink();
        }
    }

    @Test
    void aValueLongerThanItsRoomIsRefusedAndNothingChanges() {
        try (ShareableList sl = ShareableList.of("1234567", 5L)) {
            sl.set(0, "12345678"); // room is 8 * (7 / 8 + 1) = 8 bytes
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sl.set(0, "123456789"));
            assertTrue(e.getMessage().contains("room for 8 bytes"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sl.set(1, "ninebytes"));
            assertEquals(List.of("12345678", 5L), sl);
            sl.unlink();
        }
    }

    @Test
    void unsupportedTypesAndIndexesAreRefusedSayingWhy() {
        try (ShareableList sl = ShareableList.of(0L)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sl.set(0, 'c'));
            assertTrue(e.getMessage().contains("java.lang.Character") && e.getMessage().contains("Boolean"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ShareableList.of(new Object()));
            assertThrows(IndexOutOfBoundsException.class, () -> sl.get(1));
            assertThrows(IndexOutOfBoundsException.class, () -> sl.set(-1, 0L));
            assertThrows(IllegalArgumentException.class, () -> sl.set(0, "\ud800"));
            sl.unlink();
        }
    }

    @Test
    void countAndIndexOfCompareValuesAsPythonDoes() {
        try (ShareableList sl = ShareableList.of(7L, new byte[] {1, 2}, 7, "7", null, 7.0)) {
            assertEquals(2, sl.count(7));
            assertEquals(1, sl.indexOf(new byte[] {1, 2}));
            assertEquals(4, sl.indexOf(null));
            assertEquals(5, sl.indexOf(7.0f));
            assertFalse(sl.contains("8"));
            sl.unlink();
        }
    }

    @Test
    void trailingNulsOfStringsAndBytesAreLostAsInPython() {
        try (ShareableList sl = ShareableList.of("a\0", new byte[] {0, 1, 0, 0})) {
            assertEquals("a", sl.get(0));
            assertArrayEquals(new byte[] {0, 1}, (byte[]) sl.get(1));
            sl.unlink();
        }
    }

    @Test
    void aBlockThatIsNoShareableListIsRefused() {
        try (SharedMemory shm = SharedMemory.create(24)) {
            shm.asLongBuffer().put(0, 1000);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ShareableList.attach(shm.name()));
            assertTrue(e.getMessage().contains("not a ShareableList"), e.getMessage());
            shm.unlink();
        }
    }
}
