package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;

import org.junit.jupiter.api.Test;

class PoolCodecTest {
    private static Object[] roundTrip(final Object[] in) throws Exception {
        return PoolCodec.decode(new ByteArrayInputStream(PoolCodec.encode(in)), PoolCodecTest.class.getClassLoader());
    }

    @Test
    void plainValuesAndEverythingElseRoundTrip() throws Exception {
        Object[][] cases = {
            {}, {1, -2, Integer.MAX_VALUE}, {1L, Long.MIN_VALUE}, {0.5, Double.NaN}, {"a", "", "é€😀"},
            {1, 2L}, {1, null}, {null}, {List.of(1, 2), "x"},
        };
        for (Object[] c : cases) {
            Object[] back = roundTrip(c);
            assertArrayEquals(c, back);
            for (int i = 0; i < c.length; i++) {
                if (c[i] != null) {
                    assertEquals(c[i].getClass(), back[i].getClass());
                }
            }
        }
        assertTrue(PoolCodec.encode(new Object[] {1, 2, 3}).length < 20, "ints are written plainly");
    }
}
