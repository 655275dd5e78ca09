package org.kernellib.mp.start;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextDecoderTest {
    /** CJK (3 bytes each), emoji (4 bytes, surrogate pairs), a combining accent, a flag, ASCII. */
    private static final String MIXED = "漢字かな 😀👍🏽 e\u0301 🇯🇵 ok\n";

    /** What a sink got: the text, the bytes, and whether every piece decoded alone to its text. */
    private static final class Collected implements TextDecoder.Sink {
        final StringBuilder text = new StringBuilder();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean piecesWhole = true;

        @Override
        public void text(final byte[] b, final int offset, final int length, final String t) {
            text.append(t);
            bytes.write(b, offset, length);
            piecesWhole &= new String(b, offset, length, StandardCharsets.UTF_8).equals(t);
        }
    }

    private static Collected feedInChunks(final byte[] bytes, final int chunk) {
        TextDecoder d = new TextDecoder();
        Collected c = new Collected();
        for (int i = 0; i < bytes.length; i += chunk) {
            d.accept(bytes, i, Math.min(chunk, bytes.length - i), c);
        }
        d.finish(c);
        return c;
    }

    @Test
    void shouldKeepCharactersCutAnywhereBetweenChunks() {
        byte[] bytes = MIXED.repeat(3).getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= 9; chunk++) {
            Collected c = feedInChunks(bytes, chunk);
            assertEquals(MIXED.repeat(3), c.text.toString(), "chunks of " + chunk + " bytes");
            assertArrayEquals(bytes, c.bytes.toByteArray());
            assertEquals(true, c.piecesWhole, "a piece handed on was cut inside a character");
        }
    }

    @Test
    void shouldKeepALongLineReadInPipeSizedChunks() {
        String line = "漢😀e\u0301".repeat(2_500) + "\n"; // 10 000 characters of 3-, 4- and 2-byte forms
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {8192, 4096, 1000, 4095}) {
            Collected c = feedInChunks(bytes, chunk);
            assertEquals(line, c.text.toString(), "chunks of " + chunk + " bytes");
            assertEquals(true, c.piecesWhole);
        }
    }

    @Test
    void shouldPassBytesThatAreNotUtf8UnchangedAndDecodeThemAsReplacements() {
        byte[] bytes = {'a', (byte) 0xff, 'b', (byte) 0xe6, (byte) 0xbc};
        for (int chunk : new int[] {1, 2, 5}) {
            Collected c = feedInChunks(bytes, chunk);
            assertEquals("a\uFFFDb\uFFFD", c.text.toString(), "chunks of " + chunk);
            assertArrayEquals(bytes, c.bytes.toByteArray());
        }
    }

    @Test
    void shouldStartAfreshAfterFinish() {
        TextDecoder d = new TextDecoder();
        Collected c = new Collected();
        byte[] cut = "漢".getBytes(StandardCharsets.UTF_8);
        d.accept(cut, 0, 2, c);
        assertEquals("", c.text.toString(), "half a character must wait");
        d.finish(c);
        assertEquals("\uFFFD", c.text.toString());
        d.accept(cut, 0, 3, c);
        assertEquals("\uFFFD漢", c.text.toString());
    }
}
