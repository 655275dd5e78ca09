package org.kernellib.mp.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.kernellib.mp.pool.AsyncResult;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.pool.PoolException;
import org.kernellib.mp.process.ProcessInfo;

/**
 * Maps over one long-lived pool of two workers while the injector kills and freezes them. Every map
 * must either return exactly the right results or fail with a clear {@link PoolException}; none may
 * hang (a 60 s limit) and none may return a wrong result. The pool replaces the workers it loses.
 */
final class PoolWorkload extends Workload {
    private static final int ITEMS = 2_000;
    private static final Duration MAP_LIMIT = Duration.ofSeconds(60);

    private final Pool pool = new Pool(2);
    private final List<Integer> inputs = IntStream.range(0, ITEMS).boxed().collect(Collectors.toList());
    private int ok;
    private int failedClearly;
    private int hung;
    private int wrong;
    private final List<String> failures = new ArrayList<>();

    @Override
    String name() {
        return "pool map";
    }

    /** About 20 µs of work, so a map of 2 000 items takes a few tens of milliseconds on two cores. */
    static long square(final int x) {
        long s = 0;
        for (int i = 0; i < 20_000; i++) {
            s += i ^ x;
        }
        return (long) x * x + (s & 0);
    }

    /**
     * The workers running now. Not {@code allWorkerPids()}: it keeps the pids of replaced workers,
     * and with pid_max 32768 one of those soon names another process, or a thread of this JVM.
     */
    @Override
    List<Long> victims() {
        List<Long> pids = new ArrayList<>();
        for (ProcessInfo w : pool.workers()) {
            pids.add(w.pid());
        }
        return pids;
    }

    @Override
    void round() throws Exception {
        AsyncResult<List<Long>> r = pool.mapAsync(PoolWorkload::square, inputs, 20);
        try {
            List<Long> got = r.get(MAP_LIMIT);
            boolean right = got.size() == ITEMS;
            for (int i = 0; right && i < ITEMS; i++) {
                right = got.get(i) == (long) i * i;
            }
            if (right) {
                ok++;
            } else {
                wrong++;
            }
        } catch (TimeoutException e) {
            hung++;
        } catch (PoolException e) {
            failedClearly++;
            if (failures.size() < 3) {
                failures.add(e.getMessage());
            }
        }
    }

    @Override
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(Row.info(name(), "maps right / failed with a clear error", ok + " / " + failedClearly));
        rows.add(Row.exactly(name(), "maps with a wrong result", wrong, 0));
        rows.add(Row.exactly(name(), "maps that hung (60 s)", hung, 0));
        for (String f : failures) {
            rows.add(Row.info(name(), "an error seen", f.length() > 110 ? f.substring(0, 110) + "..." : f));
        }
        return rows;
    }

    @Override
    void close() {
        pool.terminate();
    }
}
