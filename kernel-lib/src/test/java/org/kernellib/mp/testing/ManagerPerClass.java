package org.kernellib.mp.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.kernellib.mp.manager.Manager;

/**
 * One manager process for a whole test class, as CPython's {@code ManagerMixin} keeps one:
 * {@code @RegisterExtension static final ManagerPerClass MANAGER = new ManagerPerClass();}, then
 * {@code MANAGER.get()} in the tests. Started before the first test, shut down after the last.
 */
public final class ManagerPerClass implements BeforeAllCallback, AfterAllCallback {
    private Manager manager;

    @Override
    public void beforeAll(final ExtensionContext context) {
        manager = Manager.start();
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        manager.shutdown();
    }

    /** The class's manager. */
    public Manager get() {
        if (manager == null) {
            throw new IllegalStateException("the manager starts before the class's first test; register this "
                    + "extension on a static field with @RegisterExtension");
        }
        return manager;
    }
}
