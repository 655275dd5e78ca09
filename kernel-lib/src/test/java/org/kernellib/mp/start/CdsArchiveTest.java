package org.kernellib.mp.start;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which archive a worker of a kind maps, and how a command is made to map another. */
class CdsArchiveTest {
    @Test
    void anArchiveIsNamedForItsKindAndEveryJarItHolds(@TempDir final Path dir) throws Exception {
        Path core = Files.write(dir.resolve("kernel-lib.jar"), new byte[] {1});
        Path ignite = Files.write(dir.resolve("ignite-core.jar"), new byte[] {2});
        Path worker = CdsArchive.archivePath("worker", List.of(core.toString())).orElseThrow();
        Path server = CdsArchive.archivePath("server", List.of(core.toString(), ignite.toString())).orElseThrow();
        assertEquals(dir.resolve("cds"), server.getParent(), "beside the first jar, as the workers' archive is");
        assertTrue(worker.getFileName().toString().startsWith("worker-"), worker.toString());
        assertTrue(server.getFileName().toString().startsWith("server-"), server.toString());
        assertEquals(worker, CdsArchive.archivePath(List.of(core.toString())).orElseThrow(), "the workers' own");

        // a rebuilt jar (another size) looks for another file: the old archive is never mapped
        Files.write(ignite, new byte[] {2, 3});
        assertNotEquals(server, CdsArchive.archivePath("server", List.of(core.toString(), ignite.toString())).orElseThrow());
        assertEquals(Optional.empty(), CdsArchive.archivePath("server", List.of(core.toString(), dir.toString())),
                "no archive holds classes from a directory");
    }

    @Test
    void aMissingArchiveGivesNoFlagsAPresentOneIsMappedQuietly(@TempDir final Path dir) throws Exception {
        Path archive = dir.resolve("server-0.jsa");
        assertEquals(List.of(), CdsArchive.flagsFor(Optional.of(archive)));
        Files.write(archive, new byte[] {0});
        List<String> flags = CdsArchive.flagsFor(Optional.of(archive));
        assertEquals("-XX:SharedArchiveFile=" + archive, flags.get(0));
        assertTrue(flags.containsAll(CdsArchive.QUIET), flags.toString());
    }

    @Test
    void aCommandTakesAnotherArchiveInPlaceOfTheWorkersOne(@TempDir final Path dir) {
        List<String> flags = new ArrayList<>(List.of("-Xmx64m", "-XX:SharedArchiveFile=/w/worker-1.jsa"));
        flags.addAll(CdsArchive.QUIET);
        flags.add("-Dx=y");
        WorkerCommand worker = new WorkerCommand("java", List.of("kernel-lib.jar"), flags, List.of());
        Path dumped = dir.resolve("server.jsa.tmp");
        List<String> dumping = worker.withArchive(CdsArchive.dumpFlags(dumped)).flags();
        // a JVM cannot dump an archive on top of another dynamic one, so the workers' is gone
        assertFalse(dumping.stream().anyMatch(f -> f.startsWith("-XX:SharedArchiveFile=")), dumping.toString());
        assertEquals(List.of("-Xmx64m", "-Dx=y", "-XX:ArchiveClassesAtExit=" + dumped), dumping.subList(0, 3));
        List<String> none = worker.withArchive(List.of()).flags();
        assertEquals(List.of("-Xmx64m", "-Dx=y"), none);
    }
}
