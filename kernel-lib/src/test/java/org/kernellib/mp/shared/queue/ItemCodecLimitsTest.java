package org.kernellib.mp.shared.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.serial.DeserializationLimitException;
import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.testing.SerialBombs;

/** Queue items (and so pipe messages) are read through the deserialization limits. */
class ItemCodecLimitsTest {
    private static Object readBack(final byte[] objectPayload) {
        SharedFile f = SharedFile.create("test", objectPayload.length + 1);
        try {
            f.buffer().put(0, ItemCodec.OBJECT);
            f.putBytesPlain(1, objectPayload, 0, objectPayload.length);
            return ItemCodec.read(f, 0, objectPayload.length + 1);
        } finally {
            f.unlink();
        }
    }

    @Test
    void shouldRefuseADeeplyNestedItemWithAClearError() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> readBack(SerialBombs.nestedArrays(100_000)));
        assertTrue(e.getCause() instanceof DeserializationLimitException, String.valueOf(e.getCause()));
        assertTrue(e.getMessage().startsWith("cannot deserialize a queue item: refused to read a queue item written by"
                + " another process: objects nest"), e.getMessage());
    }

    @Test
    void shouldRefuseAnItemWhoseArrayIsLongerThanTheItem() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> readBack(SerialBombs.hugeLongArray(1_000_000_000)));
        assertTrue(e.getMessage().contains("a long[] announces 1000000000 elements"), e.getMessage());
    }

    @Test
    void shouldCarryATwentyMegabyteArrayInsideAnItem() {
        byte[] big = new byte[20_000_000];
        big[123] = 1;
        Object prepared = ItemCodec.prepare(new Object[] {big, "tail"});
        SharedFile f = SharedFile.create("test", ItemCodec.size(prepared));
        try {
            ItemCodec.write(f, 0, prepared);
            Object[] back = (Object[]) ItemCodec.read(f, 0, ItemCodec.size(prepared));
            assertArrayEquals(big, (byte[]) back[0]);
        } finally {
            f.unlink();
        }
    }
}
