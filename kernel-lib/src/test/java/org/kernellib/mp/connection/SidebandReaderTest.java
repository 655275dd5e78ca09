package org.kernellib.mp.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Picking a worker's frames out of its stderr text, however the reads cut the stream. */
class SidebandReaderTest {
    private static final byte[] MARKER = Sideband.newMarker();

    /** Collects what the reader passes on. */
    private static final class Collected implements SidebandReader.Sink {
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        final List<Frame> frames = new ArrayList<>();

        @Override
        public void text(final byte[] bytes, final int offset, final int length) {
            text.write(bytes, offset, length);
        }

        @Override
        public void frame(final Frame frame) {
            frames.add(frame);
        }
    }

    private static byte[] concat(final byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds {@code stream} cut at the given positions. */
    private static Collected feed(final byte[] stream, final int... cuts) {
        Collected c = new Collected();
        SidebandReader r = new SidebandReader(MARKER, c);
        int from = 0;
        for (int cut : cuts) {
            r.accept(Arrays.copyOfRange(stream, from, cut), cut - from);
            from = cut;
        }
        r.accept(Arrays.copyOfRange(stream, from, stream.length), stream.length - from);
        r.finish();
        return c;
    }

    @Test
    void textAroundFramesComesOutWholeAndFramesSeparately() {
        byte[] stream = concat(utf8("before "), Sideband.encode(MARKER, FrameDescriptor.CLASS_REQUEST, 7, utf8("x.Y")),
                utf8("between "), Sideband.encode(MARKER, FrameDescriptor.DONE, 0, new byte[0]), utf8("after"));
        Collected c = feed(stream);
        assertEquals("before between after", c.text.toString(StandardCharsets.UTF_8));
        assertEquals(2, c.frames.size());
        assertEquals(FrameDescriptor.CLASS_REQUEST, c.frames.get(0).type());
        assertEquals(7, c.frames.get(0).requestId());
        assertArrayEquals(utf8("x.Y"), c.frames.get(0).payload());
        assertEquals(FrameDescriptor.DONE, c.frames.get(1).type());
    }

    @Test
    void aFrameCutAnywhereBetweenTwoReadsIsStillOneFrame() {
        byte[] frame = Sideband.encode(MARKER, FrameDescriptor.FAILED, 0, utf8("java.lang.IllegalStateException: no"));
        byte[] stream = concat(utf8("ab"), frame, utf8("cd"));
        for (int cut = 0; cut <= stream.length; cut++) {
            for (int second = cut; second <= stream.length; second += 5) {
                Collected c = feed(stream, cut, second);
                assertEquals("abcd", c.text.toString(StandardCharsets.UTF_8), "cuts at " + cut + ", " + second);
                assertEquals(1, c.frames.size(), "cuts at " + cut + ", " + second);
                assertArrayEquals(utf8("java.lang.IllegalStateException: no"), c.frames.get(0).payload());
            }
        }
    }

    @Test
    void bytesThatOnlyLookLikeAFrameAreText() {
        byte[] otherWorker = Sideband.newMarker();
        otherWorker[Sideband.MARKER_BYTES - 1] = (byte) (MARKER[Sideband.MARKER_BYTES - 1] + 1);
        byte[] lookalike = Sideband.encode(otherWorker, FrameDescriptor.DONE, 0, new byte[0]);
        byte[] badLength = concat(MARKER, new byte[] {0x7F, 0, 0, 0, FrameDescriptor.DONE, 0, 0, 0, 0});
        byte[] stream = concat(new byte[] {0, 0, 0x1B, 'K'}, lookalike, utf8("\u0000nul"), badLength, utf8("end"));
        Collected c = feed(stream, 3, 10, 17);
        assertArrayEquals(stream, c.text.toByteArray());
        assertEquals(0, c.frames.size());
    }

    @Test
    void aPossibleFrameStartHeldAtTheEndIsTextAfterAll() {
        byte[] stream = concat(utf8("last line\n"), Arrays.copyOf(MARKER, 6));
        Collected c = new Collected();
        SidebandReader r = new SidebandReader(MARKER, c);
        r.accept(stream, stream.length);
        assertEquals("last line\n", c.text.toString(StandardCharsets.UTF_8), "live text is not held back");
        r.finish();
        assertArrayEquals(stream, c.text.toByteArray());
    }

    @Test
    void framesMustFitOneAtomicPipeWrite() {
        byte[] max = new byte[Sideband.MAX_PAYLOAD];
        assertEquals(Sideband.MAX_FRAME_BYTES, Sideband.encode(MARKER, FrameDescriptor.FAILED, 0, max).length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sideband.encode(MARKER, FrameDescriptor.FAILED, 0, new byte[Sideband.MAX_PAYLOAD + 1]));
        assertEquals(true, e.getMessage().contains("at most " + Sideband.MAX_PAYLOAD), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SidebandReader(new byte[3], new Collected()));
    }

    @Test
    void aLargeFrameTravelsInPiecesOfOneAtomicWriteEachWithTextBetweenAndComesOutWhole() {
        byte[] payload = new byte[3 * Sideband.MAX_PAYLOAD + 100];
        new java.util.Random(7).nextBytes(payload);
        List<byte[]> writes = Sideband.encodeAll(MARKER, (byte) 45, 9, payload);
        assertEquals(4, writes.size());
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < writes.size(); i++) {
            assertTrue(writes.get(i).length <= Sideband.MAX_FRAME_BYTES, "piece " + i + " fits one atomic write");
            stream.writeBytes(utf8("text " + i + " "));
            stream.writeBytes(writes.get(i));
        }
        stream.writeBytes(Sideband.encode(MARKER, FrameDescriptor.DONE, 0, new byte[0]));
        byte[] all = stream.toByteArray();
        for (int cut : new int[] {1, 30, Sideband.MAX_FRAME_BYTES, all.length / 2, all.length - 3}) {
            Collected c = feed(all, cut, Math.min(all.length, cut + 4099));
            assertEquals("text 0 text 1 text 2 text 3 ", c.text.toString(StandardCharsets.UTF_8), "cut at " + cut);
            assertEquals(2, c.frames.size(), "cut at " + cut);
            assertEquals(45, c.frames.get(0).type());
            assertEquals(9, c.frames.get(0).requestId());
            assertArrayEquals(payload, c.frames.get(0).payload(), "cut at " + cut);
            assertEquals(FrameDescriptor.DONE, c.frames.get(1).type());
        }
        assertEquals(1, Sideband.encodeAll(MARKER, FrameDescriptor.DONE, 0, new byte[Sideband.MAX_PAYLOAD]).size(),
                "a frame that fits one write is sent as it is");
    }

    @Test
    void aLargeFrameCutShortByTheWorkersEndIsDropped() {
        List<byte[]> writes = Sideband.encodeAll(MARKER, (byte) 45, 1, new byte[2 * Sideband.MAX_PAYLOAD]);
        byte[] stream = concat(writes.get(0), utf8("bye"));
        Collected c = feed(stream);
        assertEquals("bye", c.text.toString(StandardCharsets.UTF_8));
        assertEquals(0, c.frames.size());
    }
}
