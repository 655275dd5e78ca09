package org.kernellib.mp.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** Frames read from a stream (a worker's stdin at start-up) and from a channel agree. */
class FrameIOTest {
    private static byte[] twoFramesAndMore() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(FrameIO.encode(FrameDescriptor.SETUP, 0, new byte[] {1, 2, 3}));
        b.writeBytes(FrameIO.encode(FrameDescriptor.TASK, 5, new byte[0]));
        b.writeBytes(new byte[] {42});
        return b.toByteArray();
    }

    @Test
    void aStreamIsReadExactlyOneFrameAtATime() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(twoFramesAndMore());
        Frame setup = FrameIO.read(in);
        assertEquals(FrameDescriptor.SETUP, setup.type());
        assertArrayEquals(new byte[] {1, 2, 3}, setup.payload());
        Frame task = FrameIO.read(in);
        assertEquals(FrameDescriptor.TASK, task.type());
        assertEquals(5, task.requestId());
        assertEquals(42, in.read(), "nothing after the frame was consumed");
        assertNull(FrameIO.read(in), "EOF between frames");
    }

    @Test
    void theChannelReaderSeesTheSameFrames() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(FrameDescriptor.HEADER_BYTES);
        var ch = Channels.newChannel(new ByteArrayInputStream(twoFramesAndMore()));
        assertEquals(FrameDescriptor.SETUP, FrameIO.read(ch, header).type());
        assertEquals(FrameDescriptor.TASK, FrameIO.read(ch, header).type());
    }

    @Test
    void aCutFrameIsAnErrorNotAnEnd() {
        byte[] all = FrameIO.encode(FrameDescriptor.TASK, 0, new byte[10]);
        assertThrows(EOFException.class, () -> FrameIO.read(new ByteArrayInputStream(Arrays.copyOf(all, 5))));
        assertThrows(EOFException.class, () -> FrameIO.read(new ByteArrayInputStream(Arrays.copyOf(all, 12))));
        byte[] huge = FrameIO.encode(FrameDescriptor.TASK, 0, new byte[0]);
        huge[0] = (byte) 0xFF; // a negative length
        IOException e = assertThrows(IOException.class, () -> FrameIO.read(new ByteArrayInputStream(huge)));
        assertEquals(true, e.getMessage().contains("corrupt frame"), e.getMessage());
    }
}
