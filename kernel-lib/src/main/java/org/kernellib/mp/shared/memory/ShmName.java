package org.kernellib.mp.shared.memory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The name of a POSIX shared memory object, spelled as Python's
 * {@code multiprocessing.shared_memory} spells it, and where Linux keeps it.
 *
 * <p>Python passes {@code "/" + name} to {@code shm_open(3)}; glibc strips the slash and opens
 * {@code /dev/shm/<name>} (a tmpfs), so a block is a plain file there and Java maps it like any
 * other. Names Python generates are {@code psm_} and eight hex digits (four random bytes,
 * {@code secrets.token_hex(4)}: 14 characters, the limit of FreeBSD); {@link #generate()} makes the
 * same kind.
 *
 * <p>Accepted names are 1 to 254 characters of {@code A-Z a-z 0-9 . _ -} without {@code ".."}:
 * a slash or {@code ..} would reach outside {@code /dev/shm} (glibc refuses a slash too), and a
 * portable character set keeps the name the same bytes in Java and Python whatever the locale.
 */
final class ShmName {
    /** Where glibc's {@code shm_open} creates its objects. */
    static final Path DIRECTORY = Paths.get("/dev/shm");
    /** Python's prefix for generated names, without its leading slash. */
    static final String GENERATED_PREFIX = "psm_";
    /** glibc: the name without its slash must be shorter than NAME_MAX (255). */
    static final int MAX_LENGTH = 254;

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._-]+");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ShmName() {
    }

    /** A fresh name like Python's: {@code psm_} and 8 random hex digits. */
    static String generate() {
        byte[] token = new byte[4];
        RANDOM.nextBytes(token);
        return GENERATED_PREFIX + HexFormat.of().formatHex(token);
    }

    /** Returns {@code name} if it names a block Python could name too, else throws saying why. */
    static String requireValid(final String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a shared memory name must not be empty; leave it out to get a"
                    + " generated one (psm_...)");
        }
        if (name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("shared memory name '" + name + "' contains '/': give the name"
                    + " without any slash, as Python's SharedMemory(name=...) takes it (it adds the leading"
                    + " slash of shm_open itself); the block is then /dev/shm/<name>");
        }
        if (name.contains("..")) {
            throw new IllegalArgumentException("shared memory name '" + name + "' contains '..', which could"
                    + " name something outside /dev/shm; choose a name without it");
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("shared memory name is " + name.length() + " characters long;"
                    + " at most " + MAX_LENGTH + " are allowed");
        }
        if (!ALLOWED.matcher(name).matches()) {
            throw new IllegalArgumentException("shared memory name '" + name + "' has characters other than"
                    + " letters A-Z a-z, digits, '.', '_' and '-'; use only those, so that Java and Python"
                    + " see the same name in any locale");
        }
        return name;
    }

    /** The file of a valid name; throws if this system keeps no POSIX shared memory in /dev/shm. */
    static Path pathOf(final String name) {
        requireValid(name);
        if (!Files.isDirectory(DIRECTORY)) {
            throw new UnsupportedOperationException("named shared memory needs " + DIRECTORY + " (Linux), where"
                    + " Python's shm_open keeps its blocks; this system has none");
        }
        return DIRECTORY.resolve(name);
    }
}
