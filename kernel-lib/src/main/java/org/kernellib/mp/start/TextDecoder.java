package org.kernellib.mp.start;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Cuts one stream of UTF-8 bytes, read in chunks of whatever size the pipe returns, at character
 * boundaries, and decodes it. A character cut between two chunks (CJK takes three bytes, emoji
 * four) is carried over to the next chunk rather than handed on as two halves, which a reader that
 * decodes each piece on its own (JJava's cell streams do, per flush) would show as two U+FFFD.
 * Bytes that are not UTF-8 at all are handed on unchanged, and decode to U+FFFD; nothing is
 * dropped or held back past the next chunk. One per stream, owned by its relay thread: not
 * thread-safe.
 *
 * <p>Workers write their standard streams in UTF-8 whatever the locale (see
 * {@link WorkerCommand}), so UTF-8 is the only charset needed here.
 */
final class TextDecoder {
    /** Where whole characters go: their bytes, unchanged, and their text. */
    interface Sink {
        void text(byte[] bytes, int offset, int length, String text);
    }

    /** The longest UTF-8 sequence: at most this many bytes minus one wait for the next chunk. */
    private static final int MAX_SEQUENCE = 4;

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** The start of a character whose other bytes are still in the pipe. */
    private final ByteBuffer carry = ByteBuffer.allocate(MAX_SEQUENCE);

    /** Takes {@code length} more bytes; hands every character they complete to {@code sink}. */
    void accept(final byte[] bytes, final int offset, final int length, final Sink sink) {
        ByteBuffer in;
        if (carry.position() == 0) {
            in = ByteBuffer.wrap(bytes, offset, length);
        } else {
            carry.flip();
            in = ByteBuffer.allocate(carry.remaining() + length);
            in.put(carry).put(bytes, offset, length).flip();
            carry.clear();
        }
        int from = in.position();
        // UTF-8 never makes more chars than bytes (a U+FFFD per bad byte at most).
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        CoderResult r = decoder.decode(in, out, false);
        if (r.isOverflow()) {
            throw new IllegalStateException("UTF-8 decoding overflowed a buffer sized for its input");
        }
        // Underflow: what is left is the beginning of a character, at most three bytes.
        int whole = in.position() - from;
        carry.put(in);
        if (whole > 0) {
            out.flip();
            sink.text(in.array(), in.arrayOffset() + from, whole, out.toString());
        }
    }

    /** At the end of the stream: a character left incomplete is handed on as it is (U+FFFD). */
    void finish(final Sink sink) {
        carry.flip();
        byte[] rest = new byte[carry.remaining()];
        carry.get(rest);
        carry.clear();
        CharBuffer out = CharBuffer.allocate(2 * MAX_SEQUENCE);
        decoder.decode(ByteBuffer.wrap(rest), out, true);
        decoder.flush(out);
        decoder.reset();
        if (rest.length > 0) {
            out.flip();
            sink.text(rest, 0, rest.length, out.toString());
        }
    }
}
