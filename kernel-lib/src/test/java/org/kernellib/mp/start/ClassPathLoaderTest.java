package org.kernellib.mp.start;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A hinted class is the class a full class path search would have defined. */
class ClassPathLoaderTest {
    private static String entryOf(final Class<?> c) throws URISyntaxException {
        return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void aClassHintedInADirectoryIsDefinedThereWithItsCodeSource() throws Exception {
        String testClasses = entryOf(ClassPathLoaderTest.class);
        String junitJar = entryOf(Test.class);
        // The directory comes last, after a jar the search would open first without the hint.
        try (ClassPathLoader l = new ClassPathLoader(List.of(junitJar, testClasses), ClassLoader.getPlatformClassLoader())) {
            String name = "org.kernellib.mp.process.TestTasks";
            l.hint(Map.of(name, testClasses));
            Class<?> c = Class.forName(name, false, l);
            assertSame(l, c.getClassLoader());
            assertEquals(new File(testClasses).toURI().toURL(), c.getProtectionDomain().getCodeSource().getLocation());
            assertNotNull(c.getPackage());
            assertSame(c, Class.forName(name, false, l), "loaded once");
            // Its neighbours come from the same loader by the normal search: one world of classes.
            assertSame(l, Class.forName("org.kernellib.mp.process.OutputCapture", false, l).getClassLoader());
        }
    }

    @Test
    void aClassHintedInAJarGetsThePackageItsManifestDescribes() throws Exception {
        String junitJar = entryOf(Test.class);
        String name = Test.class.getName();
        try (ClassPathLoader hinted = new ClassPathLoader(List.of(junitJar), ClassLoader.getPlatformClassLoader());
                URLClassLoader plain = new URLClassLoader(new java.net.URL[] {new File(junitJar).toURI().toURL()},
                        ClassLoader.getPlatformClassLoader())) {
            hinted.hint(Map.of(name, junitJar));
            Class<?> a = Class.forName(name, false, hinted);
            Class<?> b = Class.forName(name, false, plain);
            assertSame(hinted, a.getClassLoader());
            assertEquals(b.getProtectionDomain().getCodeSource().getLocation(),
                    a.getProtectionDomain().getCodeSource().getLocation());
            assertEquals(b.getPackage().getImplementationVersion(), a.getPackage().getImplementationVersion());
            assertEquals(b.getPackage().getSpecificationTitle(), a.getPackage().getSpecificationTitle());
        }
    }

    @Test
    void aWrongHintFallsBackToTheSearch() throws Exception {
        String testClasses = entryOf(ClassPathLoaderTest.class);
        String junitJar = entryOf(Test.class);
        try (ClassPathLoader l = new ClassPathLoader(List.of(junitJar, testClasses), ClassLoader.getPlatformClassLoader())) {
            String name = "org.kernellib.mp.process.TestTasks";
            l.hint(Map.of(name, junitJar, "not.On.TheClassPath", "/no/such/entry"));
            Class<?> c = Class.forName(name, false, l);
            assertEquals(new File(testClasses).toURI().toURL(), c.getProtectionDomain().getCodeSource().getLocation());
        }
    }

    @Test
    void theSearchPathIsTheEntriesInOrderAndResourcesAreFound() throws Exception {
        String testClasses = entryOf(ClassPathLoaderTest.class);
        String junitJar = entryOf(Test.class);
        try (ClassPathLoader l = new ClassPathLoader(List.of(junitJar, testClasses), ClassLoader.getPlatformClassLoader())) {
            assertNotNull(l.getResource("org/junit/jupiter/api/Test.class"), "a resource before any class search");
            assertEquals(List.of(new File(junitJar).toURI().toURL(), new File(testClasses).toURI().toURL()),
                    List.of(l.getURLs()));
        }
    }
}
