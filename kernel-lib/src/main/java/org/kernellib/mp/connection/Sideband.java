package org.kernellib.mp.connection;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a worker's control frames to its parent ride inside its stderr pipe, next to whatever the
 * worker prints there. A worker JVM has only three inherited descriptors (a {@code ProcessBuilder}
 * cannot pass more), and opening a socket in a fresh JVM costs ~30 ms of JDK initialisation, about
 * as long as the rest of a cold start. So the parent writes frames to the worker's stdin (it is
 * the only writer there) and the worker answers on stderr, each frame marked so the parent can
 * pick it out of the text. Maven Surefire talks to its forked JVMs the same way.
 *
 * <pre>
 *  byte 0                 4                        12                    21
 *       +-----------------+------------------------+---------------------+------------------+
 *       | 00 1B 'K' 'L'   |  nonce (8 bytes)       |  frame header       |  payload         |
 *       +-----------------+------------------------+---------------------+------------------+
 *         fixed prefix      random, per worker        length, type, id      length bytes
 *                                                     (FrameDescriptor)
 * </pre>
 *
 * <p>Why this is safe next to arbitrary text:
 * <ul>
 * <li>A frame is written with one {@code write(2)} of at most {@value #MAX_FRAME_BYTES} bytes,
 *     which POSIX makes atomic on a pipe ({@code PIPE_BUF}): text written by other threads, or by
 *     native code, can come before or after a frame but never inside it.</li>
 * <li>The nonce is chosen by the parent and handed to the worker on stdin, so text that merely
 *     looks like a frame (another worker's stream copied through, a binary dump) does not match.</li>
 * <li>Whatever does not match is text, passed on byte for byte; see {@link SidebandReader}.</li>
 * </ul>
 * A frame larger than that (a pool chunk's results, say) travels as {@link FrameDescriptor#PART}
 * frames, each one write, carrying its encoding piece by piece (see {@link #encodeAll}): text can
 * come between two pieces but never inside one, and the worker writes the pieces of one frame
 * before it writes another frame. Parent to worker, on stdin, frames of any size go as they are:
 * the parent is the only writer there.
 */
public final class Sideband {
    /** {@code PIPE_BUF} on Linux, and the POSIX minimum for it is 512: keep frames within it. */
    public static final int MAX_FRAME_BYTES = 4096;
    static final int PREFIX_BYTES = 4;
    static final int NONCE_BYTES = 8;
    /** Prefix plus nonce. */
    public static final int MARKER_BYTES = PREFIX_BYTES + NONCE_BYTES;
    /** The largest payload that keeps a whole frame within {@link #MAX_FRAME_BYTES}. */
    public static final int MAX_PAYLOAD = MAX_FRAME_BYTES - MARKER_BYTES - FrameDescriptor.HEADER_BYTES;
    private static final byte[] PREFIX = {0x00, 0x1B, 'K', 'L'};

    private Sideband() {
    }

    /** A fresh marker: the fixed prefix and a random nonce. */
    public static byte[] newMarker() {
        ByteBuffer b = ByteBuffer.allocate(MARKER_BYTES);
        b.put(PREFIX).putLong(ThreadLocalRandom.current().nextLong());
        return b.array();
    }

    /** Whether {@code marker} has the shape {@link #newMarker()} gives. */
    public static boolean isMarker(final byte[] marker) {
        if (marker == null || marker.length != MARKER_BYTES) {
            return false;
        }
        for (int i = 0; i < PREFIX_BYTES; i++) {
            if (marker[i] != PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * One marked frame, to be written with a single write call.
     *
     * @throws IllegalArgumentException if the payload is over {@link #MAX_PAYLOAD}
     */
    public static byte[] encode(final byte[] marker, final byte type, final int requestId, final byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a sideband frame carries at most " + MAX_PAYLOAD
                    + " payload bytes, not " + payload.length + " (" + FrameDescriptor.typeName(type) + ")");
        }
        ByteBuffer b = ByteBuffer.allocate(MARKER_BYTES + FrameDescriptor.HEADER_BYTES + payload.length);
        b.put(marker).putInt(payload.length).put(type).putInt(requestId).put(payload);
        return b.array();
    }

    /**
     * The writes that carry one frame of any size: the frame itself when it fits one write,
     * otherwise its whole encoding ({@link FrameIO#encode}: header, then payload) cut into
     * {@link FrameDescriptor#PART} frames, the first of which holds the header. Each is to be
     * written with a single write call, all of them before any other frame.
     */
    public static List<byte[]> encodeAll(final byte[] marker, final byte type, final int requestId,
            final byte[] payload) {
        if (payload.length <= MAX_PAYLOAD) {
            return List.of(encode(marker, type, requestId, payload));
        }
        byte[] whole = FrameIO.encode(type, requestId, payload);
        List<byte[]> writes = new ArrayList<>(whole.length / MAX_PAYLOAD + 1);
        for (int from = 0; from < whole.length; from += MAX_PAYLOAD) {
            int n = Math.min(MAX_PAYLOAD, whole.length - from);
            ByteBuffer b = ByteBuffer.allocate(MARKER_BYTES + FrameDescriptor.HEADER_BYTES + n);
            b.put(marker).putInt(n).put(FrameDescriptor.PART).putInt(0).put(whole, from, n);
            writes.add(b.array());
        }
        return writes;
    }
}
