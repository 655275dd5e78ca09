package org.kernellib.mp.manager;

/**
 * An owner JVM for the lifecycle tests: starts a manager, prints its pid and socket, then exits
 * without shutting it down, or waits to be killed.
 */
public final class ManagerOrphanMain {
    private ManagerOrphanMain() {
    }

    public static void main(final String[] args) throws Exception {
        Manager m = Manager.start();
        m.dict().put("k", 1);
        System.out.println("manager " + m.pid() + " " + m.address().socket());
        System.out.flush();
        if (args.length > 0 && args[0].equals("exit")) {
            System.exit(0); // without shutting the manager down
        }
        Thread.sleep(60_000);
    }
}
