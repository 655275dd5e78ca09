package org.kernellib.mp.shared.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.testing.ChildJvm;
import org.kernellib.mp.shared.testing.OtherUser;

class SharedMemoryTest {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private final List<Path> made = new java.util.ArrayList<>();

    /** A name no other test (or engineer) uses: this JVM's pid and a counter. */
    private String freshName() {
        String name = "kltest-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        made.add(Path.of("/dev/shm", name));
        return name;
    }

    @AfterEach
    void removeWhatThisTestMade() throws Exception {
        for (Path p : made) {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void aCreatedBlockIsAZeroedOwnerOnlyFileInDevShmUnderItsName() throws Exception {
        String name = freshName();
        try (SharedMemory shm = SharedMemory.create(name, 100)) {
            Path file = Path.of("/dev/shm", name);
            assertEquals(name, shm.name());
            assertEquals(100, shm.size());
            assertEquals(100L, Files.size(file));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertTrue(shm.isCreator());
            assertEquals(ByteOrder.nativeOrder(), shm.buf().order());
            for (int i = 0; i < 100; i++) {
                assertEquals(0, shm.buf().get(i));
            }
            assertEquals("SharedMemory('" + name + "', size=100)", shm.toString());
            shm.unlink();
            assertFalse(Files.exists(file));
        }
    }

    @Test
    void generatedNamesArePythonsKind() {
        try (SharedMemory a = SharedMemory.create(8); SharedMemory b = SharedMemory.create(8)) {
            assertTrue(a.name().matches("psm_[0-9a-f]{8}"), a.name());
            assertNotEquals(a.name(), b.name());
            a.unlink();
            b.unlink();
        }
    }

    @Test
    void anAttachedHandleSeesWritesBothWaysAndMayUnlinkOnce() {
        String name = freshName();
        try (SharedMemory shm = SharedMemory.create(name, 64); SharedMemory other = SharedMemory.attach(name)) {
            assertFalse(other.isCreator());
            assertEquals(64, other.size());
            shm.asLongBuffer().put(2, 99);
            assertEquals(99, other.asLongBuffer().get(2));
            other.asIntBuffer().put(0, -5);
            assertEquals(-5, shm.asIntBuffer().get(0));
            other.unlink();
            assertFalse(Files.exists(Path.of("/dev/shm", name)));
            shm.unlink(); // a second unlink finds nothing to do
            assertEquals(99, shm.asLongBuffer().get(2), "the mapping outlives the name");
        }
    }

    @Test
    void unlinkLeavesANewBlockThatReusedTheNameAlone() {
        String name = freshName();
        SharedMemory old = SharedMemory.create(name, 8);
        old.unlink();
        try (SharedMemory fresh = SharedMemory.create(name, 16)) {
            old.unlink();
            assertTrue(Files.exists(Path.of("/dev/shm", name)), "the stale handle removed someone else's block");
            fresh.unlink();
        }
        old.close();
    }

    @Test
    void badNamesAreRefusedSayingWhy() {
        String slash = assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("/x", 8)).getMessage();
        assertTrue(slash.contains("without any slash"), slash);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedMemory.attach("../etc/passwd"))
                .getMessage().contains("'/'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedMemory.attach(".."))
                .getMessage().contains("'..'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("", 8))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("a b", 8))
                .getMessage().contains("letters"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("x".repeat(255), 8))
                .getMessage().contains("at most 254"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(freshName(), 0))
                .getMessage().contains("between 1 and"));
    }

    @Test
    void creatingAnExistingNameOrAttachingAMissingOneSaysWhatToDo() {
        String name = freshName();
        try (SharedMemory shm = SharedMemory.create(name, 8)) {
            String exists = assertThrows(IllegalStateException.class, () -> SharedMemory.create(name, 8)).getMessage();
            assertTrue(exists.contains("exists already") && exists.contains("SharedMemory.attach"), exists);
            shm.unlink();
        }
        String missing = assertThrows(IllegalStateException.class, () -> SharedMemory.attach(name)).getMessage();
        assertTrue(missing.contains("no shared memory block named"), missing);
    }

    @Test
    void aClosedHandleRefusesAccess() {
        String name = freshName();
        SharedMemory shm = SharedMemory.create(name, 8);
        shm.close();
        shm.close();
        assertTrue(shm.isClosed());
        assertThrows(IllegalStateException.class, shm::buf);
        assertEquals("SharedMemory('" + name + "', size=closed)", shm.toString());
        shm.unlink();
    }

    @Test
    void aBlockOthersMayReadOrALinkIsNotAttached() throws Exception {
        Path open = Path.of("/dev/shm", freshName());
        Files.write(open, new byte[8]);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
        String why = assertThrows(SecurityException.class, () -> SharedMemory.attach(open.getFileName().toString()))
                .getMessage();
        assertTrue(why.contains("lets other users in"), why);

        Path target = Path.of("/dev/shm", freshName());
        Files.write(target, new byte[8]);
        Files.setPosixFilePermissions(target, PrivatePaths.FILE);
        Path link = Path.of("/dev/shm", freshName());
        Files.createSymbolicLink(link, target);
        why = assertThrows(SecurityException.class, () -> SharedMemory.attach(link.getFileName().toString()))
                .getMessage();
        assertTrue(why.contains("symbolic link"), why);
    }

    @Test
    void aBlockAnotherUserOwnsIsNotAttached() throws Exception {
        String reason = OtherUser.unavailable();
        assumeTrue(reason == null, reason);
        Path theirs = Path.of("/dev/shm", freshName());
        Files.write(theirs, new byte[8]);
        Files.setPosixFilePermissions(theirs, PrivatePaths.FILE);
        OtherUser.chown(theirs);
        String why = assertThrows(SecurityException.class, () -> SharedMemory.attach(theirs.getFileName().toString()))
                .getMessage();
        assertTrue(why.contains("belongs to uid " + OtherUser.UID), why);
    }

    @Test
    void aHandleTravelsAsItsNameAndAttachesInTheOtherProcess() throws Exception {
        String name = freshName();
        try (SharedMemory shm = SharedMemory.create(name, 64);
                ShareableList list = ShareableList.of(1L, "one")) {
            try (ChildJvm child = ChildJvm.start(SharedMemoryTest.class, "writeThrough", shm, list)) {
                child.awaitLine("attached", 30_000);
                child.assertSuccess(30_000);
            }
            assertEquals(4242L, shm.asLongBuffer().get(1));
            assertEquals(List.of(2L, "two"), list);
            assertTrue(Files.exists(Path.of("/dev/shm", name)), "the attached child must not unlink at its exit");
            assertTrue(Files.exists(Path.of("/dev/shm", list.name())));
            shm.unlink();
            list.unlink();
        }
    }

    static void writeThrough(final Object[] args) {
        SharedMemory shm = (SharedMemory) args[0];
        ShareableList list = (ShareableList) args[1];
        System.out.println("attached " + shm.isCreator());
        shm.asLongBuffer().put(1, 4242L);
        list.set(0, 2);
        list.set(1, "two");
        shm.close();
        list.close();
    }

    @Test
    void aRoundTripThroughJavaSerializationAttachesByName() throws Exception {
        try (SharedMemory shm = SharedMemory.create(8)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(shm);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()));
                    SharedMemory back = (SharedMemory) in.readObject()) {
                assertEquals(shm.name(), back.name());
                assertFalse(back.isCreator());
            }
            shm.unlink();
        }
    }

    @Test
    void aCreatorThatExitsUnlinksWhatItTrackedAndKeepsWhatItDidNot() {
        String tracked = freshName();
        String untracked = freshName();
        try (ChildJvm child = ChildJvm.start(SharedMemoryTest.class, "createAndMaybeWait", tracked, untracked, "exit")) {
            child.awaitLine("created", 30_000);
            child.assertSuccess(30_000);
        }
        assertFalse(Files.exists(Path.of("/dev/shm", tracked)), "a tracked block outlived its creator's exit");
        assertTrue(Files.exists(Path.of("/dev/shm", untracked)), "track=false must keep the block");
    }

    @Test
    void aKilledCreatorsBlocksAreUnlinkedByTheNextSweep() {
        String tracked = freshName();
        String untracked = freshName();
        try (ChildJvm child = ChildJvm.start(SharedMemoryTest.class, "createAndMaybeWait", tracked, untracked, "wait")) {
            child.awaitLine("created", 30_000);
            child.kill();
        }
        assertTrue(Files.exists(Path.of("/dev/shm", tracked)), "SIGKILL runs no hook");
        RuntimeDir.sweepStale(RuntimeDir.base());
        assertFalse(Files.exists(Path.of("/dev/shm", tracked)), "the sweep left a dead JVM's block");
        assertTrue(Files.exists(Path.of("/dev/shm", untracked)));
    }

    static void createAndMaybeWait(final Object[] args) throws InterruptedException {
        SharedMemory.create((String) args[0], 64);
        SharedMemory.create((String) args[1], 64, false);
        System.out.println("created");
        if ("wait".equals(args[2])) {
            Thread.sleep(120_000);
        }
    }
}
