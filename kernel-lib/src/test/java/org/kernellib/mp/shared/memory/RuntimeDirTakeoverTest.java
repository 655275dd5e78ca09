package org.kernellib.mp.shared.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.testing.ChildJvm;
import org.kernellib.mp.shared.testing.OtherUser;

/**
 * Another local user prepares the runtime directory of a process before it makes one, the ways an
 * attacker would: a directory of their own (mode 0777), a world-writable directory, a symbolic
 * link to a directory they can read. The process must use none of them.
 */
class RuntimeDirTakeoverTest {
    private final List<Path> planted = new java.util.ArrayList<>();

    @AfterEach
    void removePlanted() throws IOException {
        for (Path p : planted) {
            if (Files.isSymbolicLink(p)) {
                Files.delete(p);
            } else {
                RuntimeDir.deleteTree(p);
            }
        }
    }

    /**
     * Runs in the child: computes the name its directory had before names were random (pid and
     * start time, both readable by anyone in /proc), waits until the attacker planted something
     * there, then makes a shared value and says where it lives.
     */
    public static void createOnceTrapPlanted(final Object[] args) throws Exception {
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().orElseThrow().toEpochMilli();
        Path trap = Paths.get((String) args[0]).resolve(RuntimeDir.PREFIX + self.pid() + "-" + start);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Files.exists(trap, LinkOption.NOFOLLOW_LINKS) && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        System.out.println("file " + SharedState.intValue(7).path());
        while (Files.exists(trap, LinkOption.NOFOLLOW_LINKS) && System.currentTimeMillis() < deadline) {
            Thread.sleep(5); // the test looks at the directory meanwhile; it removes the trap when done
        }
    }

    private interface Planter {
        void plant(Path at) throws IOException;
    }

    private void runAgainst(final Planter planter) throws Exception {
        Path base = RuntimeDir.base();
        // The trap's name depends on the child's pid, known only once it runs: the child waits.
        try (ChildJvm child = ChildJvm.start(RuntimeDirTakeoverTest.class, "createOnceTrapPlanted",
                base.toString())) {
            ProcessHandle h = ProcessHandle.of(child.pid()).orElseThrow();
            long start = h.info().startInstant().orElseThrow().toEpochMilli();
            Path trap = base.resolve(RuntimeDir.PREFIX + child.pid() + "-" + start);
            planted.add(trap);
            planter.plant(trap);
            Path file = Paths.get(child.awaitLine("file ", 60_000));
            Path used = file.getParent();
            assertNotEquals(trap, used, "the child did not use the planted path");
            assertFalse(used.toRealPath().startsWith(trap.toRealPath()), "nor anything it leads to");
            assertEquals(PrivatePaths.currentUid(), PrivatePaths.ownerUid(used), "its directory is its own");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(used)));
            Path seen = trap.toRealPath();
            boolean emptyTrap = isEmpty(seen);
            removePlanted();
            planted.clear();
            child.assertSuccess(30_000);
            assertFalse(Files.exists(used), "the child removed its own directory at exit");
            assertTrue(emptyTrap, "nothing was created in the planted directory " + seen);
        }
    }

    private static boolean isEmpty(final Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    @Test
    void shouldNotUseADirectoryAnotherUserCreatedWithMode0777() throws Exception {
        String why = OtherUser.unavailable();
        assumeTrue(why == null, why);
        runAgainst(at -> {
            Files.createDirectory(at);
            Files.setPosixFilePermissions(at, PosixFilePermissions.fromString("rwxrwxrwx"));
            OtherUser.chown(at);
        });
    }

    @Test
    void shouldNotUseAWorldWritableDirectoryAtItsName() throws Exception {
        runAgainst(at -> {
            Files.createDirectory(at);
            Files.setPosixFilePermissions(at, PosixFilePermissions.fromString("rwxrwxrwx"));
        });
    }

    @Test
    void shouldNotFollowASymbolicLinkAtItsName() throws Exception {
        Path target = Files.createTempDirectory("kernel-lib-link-target");
        try {
            runAgainst(at -> Files.createSymbolicLink(at, target));
        } finally {
            RuntimeDir.deleteTree(target);
        }
    }

    @Test
    void shouldSkipEveryExistingNameAndCheckWhatItMade() throws Exception {
        Path base = Files.createTempDirectory("kernel-lib-base");
        planted.add(base);
        Path target = Files.createTempDirectory("kernel-lib-link-target");
        planted.add(target);
        Files.createDirectory(base.resolve("open"));
        Files.setPosixFilePermissions(base.resolve("open"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createSymbolicLink(base.resolve("link"), target);
        Files.createSymbolicLink(base.resolve("dangling"), base.resolve("nowhere"));
        Files.createFile(base.resolve("file"));
        Iterator<String> names = List.of("open", "link", "dangling", "file", "fresh").iterator();

        Path made = RuntimeDir.createPrivate(base, names::next);

        assertEquals(base.resolve("fresh"), made);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made, LinkOption.NOFOLLOW_LINKS)));
        assertFalse(Files.exists(base.resolve("nowhere")), "a dangling link is not created through either");
        assertTrue(isEmpty(target));
    }

    @Test
    void shouldExplainWhyADirectoryIsNotPrivate() throws Exception {
        Path base = Files.createTempDirectory("kernel-lib-base");
        planted.add(base);
        Path open = Files.createDirectory(base.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(base.resolve("link"), Files.createDirectory(base.resolve("real")));
        Files.setPosixFilePermissions(base.resolve("real"), PrivatePaths.DIRECTORY);

        SecurityException e1 = assertThrows(SecurityException.class,
                () -> PrivatePaths.requirePrivateDirectory(open, "the runtime directory"));
        assertTrue(e1.getMessage().contains("its mode is rwxrwxrwx, which lets other users in"), e1.getMessage());
        SecurityException e2 = assertThrows(SecurityException.class,
                () -> PrivatePaths.requirePrivateDirectory(link, "the runtime directory"));
        assertTrue(e2.getMessage().contains("it is a symbolic link"), e2.getMessage());
        PrivatePaths.requirePrivateDirectory(base.resolve("real"), "the runtime directory");

        String why = OtherUser.unavailable();
        if (why == null) {
            Path theirs = Files.createDirectory(base.resolve("theirs"));
            Files.setPosixFilePermissions(theirs, PrivatePaths.DIRECTORY);
            OtherUser.chown(theirs);
            SecurityException e3 = assertThrows(SecurityException.class,
                    () -> PrivatePaths.requirePrivateDirectory(theirs, "the runtime directory"));
            assertTrue(e3.getMessage().contains("it belongs to uid 65534 (nobody)"), e3.getMessage());
        }
    }

    @Test
    void shouldRefuseToAttachASharedFileOthersCanWriteOrALink() throws Exception {
        SharedFile real = SharedFile.create("test", 64);
        Path dir = real.path().getParent();
        Path open = dir.resolve("open-file");
        Path link = dir.resolve("link-file");
        try {
            Files.write(open, new byte[64]);
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
            Files.createSymbolicLink(link, real.path());

            SecurityException e = assertThrows(SecurityException.class, () -> SharedFile.attach(open));
            assertTrue(e.getMessage().contains("lets other users in"), e.getMessage());
            assertThrows(IOException.class, () -> {
                try {
                    SharedFile.attach(link);
                } catch (java.io.UncheckedIOException u) {
                    throw u.getCause();
                }
            }, "a link in a shared file's place is not followed");
            SharedFile.attach(real.path()).close();
        } finally {
            Files.deleteIfExists(open);
            Files.deleteIfExists(link);
            real.unlink();
        }
    }

    @Test
    void shouldSweepOnlyThisUsersDirectoriesOfDeadOwners() throws Exception {
        Path base = Files.createTempDirectory("kernel-lib-base");
        planted.add(base);
        Path deadNew = Files.createDirectory(base.resolve(RuntimeDir.PREFIX + "999999999-1-00ff"));
        Path deadOld = Files.createDirectory(base.resolve(RuntimeDir.PREFIX + "999999998-1"));
        Path live = Files.createDirectory(base.resolve(RuntimeDir.nameFor(ProcessHandle.current().pid(),
                ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli())));

        RuntimeDir.sweepStale(base);

        assertFalse(Files.exists(deadNew), "a dead owner's directory (random name) is swept");
        assertFalse(Files.exists(deadOld), "and one with a name from before random names");
        assertTrue(Files.exists(live));

        String why = OtherUser.unavailable();
        if (why == null) {
            Path theirs = Files.createDirectory(base.resolve(RuntimeDir.PREFIX + "999999997-1-00aa"));
            OtherUser.chown(theirs);
            RuntimeDir.sweepStale(base);
            assertTrue(Files.exists(theirs), "another user's directory is never touched");
        }
    }
}
