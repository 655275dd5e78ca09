package org.kernellib.mp.shared.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A process of another user that impersonates one end of a manager's socket (run by
 * {@link OtherUser}; JDK classes only, because it runs from a copy of this one class file).
 *
 * <ul>
 * <li>{@code connect <socket> <helloType> <token>}: connects like a manager's caller, sends a HELLO
 *     frame with the token, then prints {@code received <n>}: the bytes the server sent before it
 *     closed the connection.</li>
 * <li>{@code listen <socket>}: listens like a manager, prints {@code listening},
 *     accepts one connection and prints {@code received <n> <text>}: what the client sent before
 *     it closed.</li>
 * </ul>
 */
public final class ImpostorMain {
    private ImpostorMain() {
    }

    public static void main(final String[] args) throws Exception {
        Path socket = Path.of(args[1]);
        if (args[0].equals("connect")) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ByteArrayOutputStream payload = new ByteArrayOutputStream();
                DataOutputStream d = new DataOutputStream(payload);
                d.writeUTF(args[3]);
                d.writeLong(ProcessHandle.current().pid());
                byte[] p = payload.toByteArray();
                ByteBuffer frame = ByteBuffer.allocate(9 + p.length);
                frame.putInt(p.length).put(Byte.parseByte(args[2])).putInt(0).put(p).flip();
                try {
                    while (frame.hasRemaining()) {
                        ch.write(frame);
                    }
                } catch (java.io.IOException e) {
                    System.out.println("write failed " + e.getMessage());
                }
                System.out.println("received " + drain(ch).size());
            }
        } else {
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
                System.out.println("listening");
                try (SocketChannel ch = server.accept()) {
                    ByteArrayOutputStream got = drain(ch);
                    System.out.println("received " + got.size() + " " + got.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
        }
    }

    private static ByteArrayOutputStream drain(final SocketChannel ch) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(4096);
        try {
            while (ch.read(b) >= 0) {
                got.write(b.array(), 0, b.position());
                b.clear();
            }
        } catch (java.io.IOException e) {
            // A reset counts as the end: what came before it is what was received.
        }
        return got;
    }
}
