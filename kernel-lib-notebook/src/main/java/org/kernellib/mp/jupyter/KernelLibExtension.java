package org.kernellib.mp.jupyter;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.process.Executions;
import org.kernellib.mp.serial.SnippetLines;
import org.kernellib.mp.shared.memory.RuntimeDir;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/**
 * Installs kernel-lib into a JJava kernel: renderers for Tablesaw tables and XChart charts, and the
 * imports notebooks use, so a notebook needs no set-up cell.
 *
 * <p>JJava finds this class through {@code META-INF/services/org.dflib.jjava.jupyter.Extension}
 * when kernel-lib reaches the kernel's class path (through {@code JJAVA_CLASSPATH} or a later
 * {@code %classpath}/{@code %maven}), and installs it once. This package is the only one that
 * touches JJava, so the library and every worker process run without it.
 */
public final class KernelLibExtension implements Extension {
    /**
     * Imports every notebook gets, so that every type a notebook may write by name (what the
     * factories return, what the calls throw) needs no import; each line is one JShell snippet.
     *
     * <p>Each snippet is a compilation, about 25 ms of CPU time in a kernel that is starting, so
     * a package whose public types are all meant for notebooks is imported whole. A type whose
     * name is also in a package a cell may import whole ({@code java.util.concurrent.locks},
     * {@code java.nio.channels}, {@code java.sql}, {@code java.awt}) keeps an import of its own,
     * which wins over such an import-on-demand where the package's would be ambiguous.
     */
    static final List<String> IMPORTS = List.of(
            "import static org.kernellib.mp.Multiprocessing.*;",
            "import org.kernellib.mp.Context;",
            // Task, OutputLine, ProcessInfo and the exceptions, and Process, which
            // shadows java.lang.Process on purpose: notebooks read like the Python they follow.
            "import org.kernellib.mp.process.*;",
            "import org.kernellib.mp.process.Process;",
            // One by one: the package's other public types (Frame, Sideband, ...) are its wire format.
            "import org.kernellib.mp.connection.Connection;",
            "import org.kernellib.mp.connection.Pipe;",
            // Qualified as Connections.wait(...): a bare wait(...) would mean Object.wait in a cell.
            "import org.kernellib.mp.connection.Connections;",
            "import org.kernellib.mp.connection.EofException;",
            "import org.kernellib.mp.connection.BufferTooShortException;",
            "import org.kernellib.mp.serial.DeserializationLimitException;",
            "import org.kernellib.mp.shared.*;",
            // RLock, Held, Barrier, SemLock, BoundedSemaphore. By name: Semaphore and
            // BrokenBarrierException, also in java.util.concurrent, which JShell imports whole,
            // and Lock, Condition (java.util.concurrent.locks) and Event (java.awt).
            "import org.kernellib.mp.shared.sync.*;",
            "import org.kernellib.mp.shared.sync.Lock;",
            "import org.kernellib.mp.shared.sync.Semaphore;",
            "import org.kernellib.mp.shared.sync.Condition;",
            "import org.kernellib.mp.shared.sync.BrokenBarrierException;",
            "import org.kernellib.mp.shared.sync.Event;",
            // JoinableQueue, SimpleQueue and the exceptions; Queue by name, over java.util.Queue.
            "import org.kernellib.mp.shared.queue.*;",
            "import org.kernellib.mp.shared.queue.Queue;",
            // Python's multiprocessing.shared_memory: blocks Python can attach by name.
            "import org.kernellib.mp.shared.memory.SharedMemory;",
            "import org.kernellib.mp.shared.memory.ShareableList;",
            "import org.kernellib.mp.pool.*;",
            "import org.kernellib.mp.manager.*;",
            "import tech.tablesaw.api.*;",
            "import org.knowm.xchart.*;",
            "import org.knowm.xchart.style.Styler;",
            "import org.knowm.xchart.style.markers.SeriesMarkers;",
            "import java.time.*;",
            "import java.util.stream.*;",
            "import org.kernellib.mp.charts.Charts;");

    /** The thread that installed this extension: JJava's main thread, in a kernel. */
    private Thread installer;

    @Override
    public void install(final BaseKernel kernel) {
        installer = Thread.currentThread();
        // Charts are painted off-screen; a kernel has no display to open.
        System.setProperty("java.awt.headless", "true");

        kernel.getRenderer()
                .createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((table, context) -> {
                    context.renderIfRequested(MIMEType.TEXT_HTML, () -> TableHtml.render(table));
                    context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> table.print(TableHtml.DEFAULT_MAX_ROWS));
                });

        @SuppressWarnings({"unchecked", "rawtypes"})
        final Class<Chart<?, ?>> chartType = (Class) Chart.class;
        kernel.getRenderer()
                .createRegistration(chartType)
                .preferring(MIMEType.IMAGE_PNG)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((chart, context) -> {
                    context.renderIfRequested(MIMEType.IMAGE_PNG, (type, out) -> {
                        final ChartImage image = ChartImage.of(chart);
                        out.putData(type, image.pngBase64());
                        out.putMetaData(type, Map.of("width", image.width(), "height", image.height()));
                    });
                    context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> describe(chart));
                });

        for (String snippet : IMPORTS) {
            kernel.eval(snippet);
        }
        // An interrupt stops the workers of the cell it interrupts, not those of earlier cells,
        // whatever the cell is blocked in. Without JJava's count, the thread stays the unit.
        AtomicInteger executions = CellExecution.executionCounter(kernel);
        if (executions != null) {
            Executions.identifyBy(CellExecution.identities(executions));
            CellInterrupts.install(kernel, () -> CellExecution.running(executions));
        }
        // A worker's exception names notebook lines as JJava does: #12:3, not $JShell$12.java:7.
        NotebookSnippetLines lines = NotebookSnippetLines.of(kernel);
        if (lines != null) {
            SnippetLines.lookUpBy(lines);
        }
        // What a pool's callback prints reaches a cell even when no cell runs (see the class).
        CallbackCellOutput.install(kernel);
        keepAWorkerWarm();
        sweepDeadKernelsFiles();
        Pool.setProgressListenerFactory(new NotebookProgress(kernel.getIO().display));
    }

    /**
     * JJava calls this as it shuts the kernel down, on a shutdown request (also before a restart).
     * Its main thread then returns; the JVM exits with it (see {@link ExitAfterShutdown}).
     */
    @Override
    public void uninstall(final BaseKernel kernel) {
        if (installer != null && "main".equals(installer.getName())) {
            ExitAfterShutdown.watch(installer);
        }
    }

    /**
     * In a notebook a process should start in milliseconds, as a forked one does in Python: keep a
     * standby worker JVM booted and waiting (the "prestart" method). It is made with this class's
     * loader as context, the loader that holds kernel-lib and the notebook's jars, so its class
     * path matches the processes cells will start.
     */
    private static void keepAWorkerWarm() {
        final Thread self = Thread.currentThread();
        final ClassLoader previous = self.getContextClassLoader();
        self.setContextClassLoader(KernelLibExtension.class.getClassLoader());
        try {
            Multiprocessing.setStartMethod("prestart");
        } finally {
            self.setContextClassLoader(previous);
        }
    }

    /**
     * A kernel that was SIGKILLed could not remove its runtime directory (shared-memory files, the
     * pool's socket); the next kernel removes such leftovers as it starts, in the background. (This
     * kernel's own directory is made only when it first needs one.)
     */
    private static void sweepDeadKernelsFiles() {
        Thread t = new Thread(() -> RuntimeDir.sweepStale(RuntimeDir.base()), "kernel-lib-sweep");
        t.setDaemon(true);
        t.start();
    }

    /** The text a plain-text front end shows in place of the image. */
    static String describe(final Chart<?, ?> chart) {
        final String title = chart.getTitle() == null || chart.getTitle().isEmpty() ? "untitled" : chart.getTitle();
        return chart.getClass().getSimpleName() + " \"" + title + "\" (" + chart.getSeriesMap().size()
                + " series, " + chart.getWidth() + "x" + chart.getHeight() + ")";
    }
}
