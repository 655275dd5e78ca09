package org.kernellib.mp.shared.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The named blocks ({@link SharedMemory}) this JVM created and nobody has unlinked yet:
 * kernel-lib's counterpart of Python's resource tracker, which unlinks what its process tree
 * created and leaked.
 *
 * <p>A tracked block is unlinked when this JVM exits normally (a shutdown hook). A JVM that is
 * killed runs no hook, so each tracked block is also written down as a file
 * {@code named-shm/<name>} in this JVM's {@link RuntimeDir}, holding the block's file identity
 * (device and inode). When a later kernel-lib JVM sweeps the runtime directory of a dead JVM, it
 * first unlinks the blocks listed there ({@link #unlinkListed}), each only if {@code /dev/shm/<name>}
 * is still that very file and still this user's: a name since reused for another block is left
 * alone.
 */
final class CreatedBlocks {
    /** The folder of a runtime directory that lists its JVM's named blocks. */
    static final String LIST = "named-shm";

    /** Tracked blocks: their path and the file identity they had when created. */
    private static final Map<Path, String> TRACKED = new ConcurrentHashMap<>();
    private static volatile boolean hookAdded;

    private CreatedBlocks() {
    }

    /** Records a block this JVM just created, for unlinking at exit or by a later sweep. */
    static void track(final Path block) {
        String identity = PrivatePaths.fileKey(block).toString();
        addHookOnce();
        TRACKED.put(block, identity);
        Path list = RuntimeDir.get().resolve(LIST);
        try {
            try {
                Files.createDirectory(list, PosixFilePermissions.asFileAttribute(PrivatePaths.DIRECTORY));
            } catch (FileAlreadyExistsException e) {
                // Made for an earlier block.
            }
            Files.writeString(list.resolve(block.getFileName().toString()), identity, StandardCharsets.UTF_8);
        } catch (IOException e) {
            TRACKED.remove(block);
            throw new UncheckedIOException("cannot record shared memory block " + block + " in " + list
                    + " for its clean-up", e);
        }
    }

    /** Forgets a block that was unlinked, or that its creator chose not to track. */
    static void forget(final Path block) {
        if (TRACKED.remove(block) != null) {
            try {
                Files.deleteIfExists(RuntimeDir.get().resolve(LIST).resolve(block.getFileName().toString()));
            } catch (IOException e) {
                // The list goes with the runtime directory at exit; a stale line only costs a check.
            }
        }
    }

    /** The identity {@code block} had when this JVM created it, or null if it is not tracked here. */
    static String identityOf(final Path block) {
        return TRACKED.get(block);
    }

    /**
     * Removes {@code block} if it is still the file with this identity and belongs to this user;
     * true when it did.
     */
    static boolean unlinkIfSame(final Path block, final String identity) {
        try {
            if (!Files.isRegularFile(block, LinkOption.NOFOLLOW_LINKS)
                    || PrivatePaths.ownerUid(block) != PrivatePaths.currentUid()
                    || !PrivatePaths.fileKey(block).toString().equals(identity)) {
                return false;
            }
            return Files.deleteIfExists(block);
        } catch (IOException | RuntimeException e) {
            return false; // gone meanwhile, or unreadable: nothing of ours to remove
        }
    }

    /** For the sweep of a dead JVM's runtime directory: unlinks the named blocks it lists. */
    static void unlinkListed(final Path staleRuntimeDir) {
        Path list = staleRuntimeDir.resolve(LIST);
        if (!Files.isDirectory(list, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(list)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                try {
                    ShmName.requireValid(name);
                    unlinkIfSame(ShmName.DIRECTORY.resolve(name), Files.readString(entry, StandardCharsets.UTF_8));
                } catch (IOException | IllegalArgumentException e) {
                    // Not a line this code wrote; the sweep removes it with the directory.
                }
            }
        } catch (IOException e) {
            // Best effort, like the rest of the sweep.
        }
    }

    private static void addHookOnce() {
        if (hookAdded) {
            return;
        }
        synchronized (CreatedBlocks.class) {
            if (!hookAdded) {
                Runtime.getRuntime().addShutdownHook(new Thread(() ->
                        TRACKED.forEach(CreatedBlocks::unlinkIfSame), "kernel-lib-named-shm-cleanup"));
                hookAdded = true;
            }
        }
    }
}
