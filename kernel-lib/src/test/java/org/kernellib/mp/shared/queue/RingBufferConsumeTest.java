package org.kernellib.mp.shared.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A consumed record keeps the padding mark in its length word and zeroes any other length; the
 * branch-free arithmetic that does it ({@link RingBuffer#lengthOnceConsumed}) must agree with
 * "padding ? PADDING_LENGTH : 0" for every int a length word may hold.
 */
class RingBufferConsumeTest {
    @Test
    void shouldKeepThePaddingMarkAndZeroEveryOtherLength() {
        int[] lengths = {QueueDescriptor.PADDING_LENGTH, 0, 1, 5, 7, 8, 1 << 20, Integer.MAX_VALUE, -2, -8,
            Integer.MIN_VALUE, Integer.MIN_VALUE + 1};
        for (int length : lengths) {
            int expected = length == QueueDescriptor.PADDING_LENGTH ? QueueDescriptor.PADDING_LENGTH : 0;
            assertEquals(expected, RingBuffer.lengthOnceConsumed(length), "length word " + length);
        }
        for (int length = -70_000; length <= 70_000; length++) {
            assertEquals(length == -1 ? -1 : 0, RingBuffer.lengthOnceConsumed(length), "length word " + length);
        }
    }
}
