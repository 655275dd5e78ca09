package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.process.ProcessInfo;

/**
 * A cold pool worker starts as a cold {@code Process} does and does its work over its own pipes:
 * it connects no socket, whose set-up costs a fresh JVM about 30 ms before the pool is ready. (A
 * worker JVM holds one socket of the JDK's own, half of a socket pair its NIO file channels keep
 * for closing, so the pool worker is compared with a process worker.)
 */
class PoolColdStartTest {

    @Test
    void coldPoolWorkersStartAsProcessesDoAndHoldNoMoreSockets() {
        assumeTrue(Files.isDirectory(Paths.get("/proc/self/fd")), "reads worker command lines and descriptors from /proc");
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Multiprocessing.setStartMethod("spawn");
            Process p = new Process(() -> {
                Thread.sleep(300);
                System.out.println("up");
                Thread.sleep(30_000);
            });
            p.start();
            try (Pool pool = new Pool(2)) {
                assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3)));
                while (p.output().stream().noneMatch(l -> l.text().equals("up"))) {
                    Thread.sleep(20);
                }
                List<String> processSockets = sockets(p.pid());
                List<String> argvProcess = commandLine(p.pid());
                List<ProcessInfo> workers = pool.workers();
                assertEquals(2, workers.size());
                for (ProcessInfo w : workers) {
                    List<String> argv = commandLine(w.pid());
                    assertEquals(argvProcess.subList(argvProcess.size() - 2, argvProcess.size()),
                            argv.subList(argv.size() - 2, argv.size()), "worker " + w.pid() + ": " + argv);
                    assertEquals(processSockets.size(), sockets(w.pid()).size(), "worker " + w.pid() + " holds "
                            + sockets(w.pid()) + ", a process worker " + processSockets);
                }
            } finally {
                p.kill();
                p.join();
            }
        });
    }

    /** The argument vector of a running process. */
    private static List<String> commandLine(final long pid) throws IOException {
        String raw = new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        return Arrays.asList(raw.split("\0"));
    }

    /** The descriptors of a running process that are sockets ("socket:[inode]"). */
    private static List<String> sockets(final long pid) throws IOException {
        List<String> r = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:")) {
                        r.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return r;
    }
}
