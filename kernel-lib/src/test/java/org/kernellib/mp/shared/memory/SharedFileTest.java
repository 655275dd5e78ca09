package org.kernellib.mp.shared.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

class SharedFileTest {

    @Test
    void createsAZeroedOwnerOnlyFileThatAttachersSeeButCannotUnlink() throws Exception {
        SharedFile f = SharedFile.create("test", 4096);
        assertEquals(RuntimeDir.get(), f.path().getParent());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.path())));
        assertEquals(0L, f.getLongVolatile(4088));
        SharedFile g = SharedFile.attach(f.path());
        assertFalse(g.isCreator());
        f.setLongRelease(64, 42L);
        assertEquals(42L, g.getLongAcquire(64));
        assertTrue(g.compareAndSetInt(128, 0, 7));
        assertEquals(7, f.getAndAddInt(128, 1));
        assertEquals(8, g.getIntVolatile(128));
        IllegalStateException e = assertThrows(IllegalStateException.class, g::unlink);
        assertTrue(e.getMessage().contains("only the creating process"), e.getMessage());
        f.setMemoryPlain(3, 100, (byte) 0x5A);
        assertEquals((byte) 0x5A, g.getByteAcquire(3));
        assertEquals((byte) 0x5A, g.getByteAcquire(102));
        assertEquals((byte) 0, g.getByteAcquire(103));
        f.unlink();
        assertFalse(Files.exists(f.path()));
        g.close();
        e = assertThrows(IllegalStateException.class, () -> g.getIntVolatile(0));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        f.close();
    }

    @Test
    void refusesImpossibleSizesAndMissingFiles() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedFile.create("test", 0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SharedFile.create("test", 1L << 40));
        assertTrue(e.getMessage().contains(String.valueOf(1L << 40)), e.getMessage());
        IllegalStateException gone = assertThrows(IllegalStateException.class,
                () -> SharedFile.attach(RuntimeDir.get().resolve("no-such-object")));
        assertTrue(gone.getMessage().contains("no longer exists"), gone.getMessage());
    }
}
