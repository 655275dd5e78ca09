package org.kernellib.mp.pool;

import java.util.List;

/** A parent JVM for the exit tests: starts a pool, prints its worker pids, then exits or waits to be killed. */
public final class PoolOrphanMain {
    private PoolOrphanMain() {
    }

    public static void main(final String[] args) throws Exception {
        Pool pool = new Pool(2);
        pool.mapAsync(x -> {
            Thread.sleep(60_000);
            return x;
        }, List.of(1, 2), 1);
        System.out.println("worker-pids " + pool.allWorkerPids().toString().replaceAll("[\\[\\] ]", ""));
        System.out.flush();
        if (args.length > 0 && args[0].equals("exit")) {
            System.exit(0); // without closing the pool
        }
        Thread.sleep(60_000);
    }
}
