package org.kernellib.mp.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** What a pool's every call looks up about the classes its function reaches is found once, not per call. */
class ClassLookupCacheTest {
    /** A loader that counts the resource look-ups it is asked for. */
    static final class CountingLoader extends ClassLoader {
        final AtomicInteger lookups = new AtomicInteger();

        CountingLoader() {
            super(ClassLookupCacheTest.class.getClassLoader());
        }

        @Override
        public URL getResource(final String name) {
            lookups.incrementAndGet();
            return super.getResource(name);
        }
    }

    @Test
    void aClassFoundOnTheClassPathIsNotSearchedForAgainByTheNextCallsShipper() {
        CountingLoader loader = new CountingLoader();
        String name = ClassLookupCacheTest.class.getName();
        assertTrue(new ClassShipper(List.of(loader)).shipped(name).isEmpty(), "a class path class is not shipped");
        int first = loader.lookups.get();
        assertTrue(first > 0);
        assertTrue(new ClassShipper(List.of(loader)).shipped(name).isEmpty());
        assertEquals(first, loader.lookups.get(), "the second call's shipper searched the class path again");
    }

    @Test
    void anArrayClassIsNeverSearchedForOnTheClassPath() {
        // every serialized lambda holds its captured values in an Object[]
        CountingLoader loader = new CountingLoader();
        for (String array : List.of("[Ljava.lang.Object;", "[I", "[[L" + ClassLookupCacheTest.class.getName() + ";")) {
            assertTrue(new ClassShipper(List.of(loader)).shipped(array).isEmpty(), array);
        }
        assertEquals(0, loader.lookups.get(), "an array's class was looked for as a resource");
    }

    @Test
    void aClassFileIsScannedOnceWhateverArrayHoldsIt() throws IOException {
        byte[] bytes = classFile(ClassLookupCacheTest.class);
        ClassReferences r = ClassReferences.scanOnce(bytes);
        assertSame(r, ClassReferences.scanOnce(bytes.clone()), "the same class file was scanned again");
        assertTrue(r.classes().contains(ClassShipper.class.getName()), r.classes().toString());
        assertNotSame(r, ClassReferences.scanOnce(classFile(ClassShipper.class)));
    }

    private static byte[] classFile(final Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }
}
