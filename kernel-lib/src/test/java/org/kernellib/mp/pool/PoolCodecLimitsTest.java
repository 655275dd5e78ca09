package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.serial.DeserializationLimitException;
import org.kernellib.mp.shared.testing.SerialBombs;

/** A pool chunk's items and results are read through the deserialization limits. */
class PoolCodecLimitsTest {
    private static byte[] serializedChunk(final byte[] stream) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0); // the SERIALIZED kind
        b.writeBytes(stream);
        return b.toByteArray();
    }

    @Test
    void shouldRefuseABombInAChunk() {
        for (byte[] bomb : new byte[][] {SerialBombs.nestedArrays(100_000), SerialBombs.hugeLongArray(1_000_000_000)}) {
            DeserializationLimitException e = assertThrows(DeserializationLimitException.class,
                    () -> PoolCodec.decode(new ByteArrayInputStream(serializedChunk(bomb)), getClass().getClassLoader()));
            assertTrue(e.getMessage().startsWith("refused to read a pool chunk's items or results written by another"
                    + " process"), e.getMessage());
        }
    }
}
