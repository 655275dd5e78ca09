package org.kernellib.mp.connection;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The parent's side of {@link Sideband}: splits a worker's stderr bytes into the text the worker
 * printed and the frames it sent. Fed chunk by chunk, as reads return them; a frame may be cut
 * anywhere between two chunks, so bytes that could be the start of one are held back until the
 * next chunk decides. Text is never held otherwise, so live output stays live. The
 * {@link FrameDescriptor#PART} pieces of a large frame are put back together and passed on as
 * the one frame they carry. Owned by one relay thread; not thread-safe.
 */
public final class SidebandReader {
    /** Where the two kinds of content go. */
    public interface Sink {
        /** Bytes the worker printed, in order. */
        void text(byte[] bytes, int offset, int length);

        /** A frame the worker sent. */
        void frame(Frame frame);
    }

    private static final int HEADER_END = Sideband.MARKER_BYTES + FrameDescriptor.HEADER_BYTES;

    private final byte[] marker;
    private final Sink sink;
    /** The undecided tail of the previous chunk: a possible frame start. */
    private byte[] held = new byte[0];
    /** The payload of a large frame gathered so far from its pieces; null between large frames. */
    private ByteArrayOutputStream large;
    private byte largeType;
    private int largeId;
    private int largeLength;

    public SidebandReader(final byte[] marker, final Sink sink) {
        if (!Sideband.isMarker(marker)) {
            throw new IllegalArgumentException("not a sideband marker: " + Arrays.toString(marker));
        }
        this.marker = marker.clone();
        this.sink = sink;
    }

    /** Takes the next {@code length} bytes of the stream. */
    public void accept(final byte[] chunk, final int length) {
        byte[] data = chunk;
        int end = length;
        if (held.length > 0) {
            data = Arrays.copyOf(held, held.length + length);
            System.arraycopy(chunk, 0, data, held.length, length);
            end = data.length;
            held = new byte[0];
        }
        int textFrom = 0;
        int i = 0;
        while (i < end) {
            if (data[i] != marker[0]) {
                i++;
                continue;
            }
            int available = end - i;
            int compare = Math.min(available, Sideband.MARKER_BYTES);
            if (!Arrays.equals(data, i, i + compare, marker, 0, compare)) {
                i++;
                continue;
            }
            if (available < HEADER_END) {
                hold(data, textFrom, i, end);
                return;
            }
            int payload = ByteBuffer.wrap(data, i + Sideband.MARKER_BYTES, 4).getInt();
            if (payload < 0 || payload > Sideband.MAX_PAYLOAD) {
                i++; // the marker matched but no writer makes such a frame: it is text
                continue;
            }
            if (available < HEADER_END + payload) {
                hold(data, textFrom, i, end);
                return;
            }
            emitText(data, textFrom, i);
            byte type = data[i + Sideband.MARKER_BYTES + 4];
            int id = ByteBuffer.wrap(data, i + Sideband.MARKER_BYTES + 5, 4).getInt();
            int from = i + HEADER_END;
            if (type == FrameDescriptor.PART) {
                piece(data, from, payload);
            } else {
                sink.frame(new Frame(type, id, Arrays.copyOfRange(data, from, from + payload)));
            }
            i = from + payload;
            textFrom = i;
        }
        emitText(data, textFrom, end);
    }

    /**
     * One piece of a large frame (see {@link Sideband#encodeAll}): the first begins with the
     * frame's header. A piece that cannot belong to a frame (no writer makes one) is dropped with
     * what was gathered.
     */
    private void piece(final byte[] data, final int from, final int length) {
        int at = from;
        int n = length;
        if (large == null) {
            if (n < FrameDescriptor.HEADER_BYTES) {
                return;
            }
            ByteBuffer h = ByteBuffer.wrap(data, at, FrameDescriptor.HEADER_BYTES);
            largeLength = h.getInt();
            largeType = h.get();
            largeId = h.getInt();
            if (largeLength <= Sideband.MAX_PAYLOAD || largeLength > FrameDescriptor.MAX_PAYLOAD) {
                return;
            }
            // Grown as pieces come, not sized by the header: a length alone never allocates.
            large = new ByteArrayOutputStream(Math.min(largeLength, 1 << 16));
            at += FrameDescriptor.HEADER_BYTES;
            n -= FrameDescriptor.HEADER_BYTES;
        }
        large.write(data, at, n);
        if (large.size() >= largeLength) {
            byte[] payload = large.toByteArray();
            large = null;
            if (payload.length == largeLength) {
                sink.frame(new Frame(largeType, largeId, payload));
            }
        }
    }

    /** At EOF: whatever is still held was text after all (a large frame cut short is dropped). */
    public void finish() {
        large = null;
        if (held.length > 0) {
            byte[] h = held;
            held = new byte[0];
            sink.text(h, 0, h.length);
        }
    }

    private void hold(final byte[] data, final int textFrom, final int frameFrom, final int end) {
        emitText(data, textFrom, frameFrom);
        held = Arrays.copyOfRange(data, frameFrom, end);
    }

    private void emitText(final byte[] data, final int from, final int to) {
        if (to > from) {
            sink.text(data, from, to - from);
        }
    }
}
