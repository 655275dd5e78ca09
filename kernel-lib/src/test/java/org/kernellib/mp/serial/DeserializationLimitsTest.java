package org.kernellib.mp.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ObjectInputStream;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.testing.SerialBombs;

class DeserializationLimitsTest {
    private static final ClassLoader LOADER = DeserializationLimitsTest.class.getClassLoader();

    @Test
    void shouldBeAbleToReadTheBombsWithoutTheFilter() throws Exception {
        // The streams are well formed: only the limits stop them.
        Object[] shallow = (Object[]) new ObjectInputStream(new ByteArrayInputStream(SerialBombs.nestedArrays(3))).readObject();
        assertEquals(1, ((Object[]) ((Object[]) shallow[0])[0]).length);
        assertEquals(0, ((long[]) new ObjectInputStream(new ByteArrayInputStream(SerialBombs.hugeLongArray(0))).readObject()).length);
    }

    @Test
    void shouldRefuseObjectsNestedDeeperThanTheLimit() {
        byte[] bomb = SerialBombs.nestedArrays(200_000); // 2 MB; unfiltered, the reader's stack overflows

        DeserializationLimitException e = assertThrows(DeserializationLimitException.class,
                () -> ShippingObjectInputStream.read(bomb, LOADER, "a test message"));

        assertTrue(e.getMessage().startsWith("refused to read a test message written by another process: objects nest "
                + (DeserializationLimits.DEFAULT_MAX_DEPTH + 1) + " levels deep, more than the limit of "
                + DeserializationLimits.DEFAULT_MAX_DEPTH), e.getMessage());
        assertTrue(e.getMessage().contains("system property kernellib.serial.maxDepth"), e.getMessage());
    }

    @Test
    void shouldRefuseAnArrayLongerThanItsMessage() {
        byte[] bomb = SerialBombs.hugeLongArray(1_000_000_000); // 8 GB announced in a few dozen bytes

        DeserializationLimitException e = assertThrows(DeserializationLimitException.class,
                () -> ShippingObjectInputStream.read(bomb, LOADER, "a test message"));

        assertTrue(e.getMessage().contains("a long[] announces 1000000000"
                + " elements, but the whole message has only " + bomb.length + " bytes"), e.getMessage());
    }

    @Test
    void shouldReadRealDataWellInsideTheLimits() throws Exception {
        byte[] big = new byte[20_000_000];
        big[19_999_999] = 7;
        List<Object> nested = new ArrayList<>();
        Object[] deep = null;
        for (int i = 0; i < 300; i++) {
            deep = new Object[] {deep, i};
        }
        nested.add(big);
        nested.add(deep);
        nested.add(new long[1_000_000]);

        @SuppressWarnings("unchecked")
        List<Object> back = (List<Object>) ShippingObjectInputStream.read(SerialBombs.serialize(nested), LOADER, "data");

        assertArrayEquals(big, (byte[]) back.get(0));
        assertEquals(299, ((Object[]) back.get(1))[1]);
        assertEquals(1_000_000, ((long[]) back.get(2)).length);
    }

    @Test
    void shouldLetASystemPropertyChangeALimit() throws Exception {
        byte[] twenty = SerialBombs.nestedArrays(20);
        System.setProperty(DeserializationLimits.MAX_DEPTH, "10");
        try {
            DeserializationLimitException e = assertThrows(DeserializationLimitException.class,
                    () -> ShippingObjectInputStream.read(twenty, LOADER, "a test message"));
            assertTrue(e.getMessage().contains("more than the limit of 10"), e.getMessage());
            assertEquals(List.of("-D" + DeserializationLimits.MAX_DEPTH + "=10"), DeserializationLimits.workerFlags(),
                    "workers started now get the same limit");
        } finally {
            System.clearProperty(DeserializationLimits.MAX_DEPTH);
        }
        ShippingObjectInputStream.read(twenty, LOADER, "a test message");
    }

    @Test
    void shouldTurnAStackOverflowIntoTheSameClearError() throws Exception {
        byte[] bomb = SerialBombs.nestedArrays((int) DeserializationLimits.DEFAULT_MAX_DEPTH - 1);
        Throwable[] got = new Throwable[1];
        Thread small = new Thread(null, () -> {
            try {
                ShippingObjectInputStream.read(bomb, LOADER, "a test message");
            } catch (Throwable t) {
                got[0] = t;
            }
        }, "small-stack", 64 * 1024);
        small.start();
        small.join();
        assertTrue(got[0] instanceof DeserializationLimitException, String.valueOf(got[0]));
        assertTrue(got[0].getMessage().contains("nest deeper than this thread's stack can read"), got[0].getMessage());
    }
}
