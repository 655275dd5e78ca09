/**
 * Managers, the counterpart of CPython's {@code managers.py}: a {@link org.kernellib.mp.manager.Manager}
 * starts a kernel-lib worker that holds shared Java objects ({@link org.kernellib.mp.manager.ManagerServer},
 * one {@code Served*} class per kind) and hands out proxies ({@link org.kernellib.mp.manager.DictProxy},
 * {@link org.kernellib.mp.manager.ListProxy}, {@link org.kernellib.mp.manager.NamespaceProxy},
 * {@link org.kernellib.mp.manager.ValueProxy}, {@link org.kernellib.mp.manager.LockProxy},
 * {@link org.kernellib.mp.manager.QueueProxy}, {@link org.kernellib.mp.manager.EventProxy},
 * {@link org.kernellib.mp.manager.BarrierProxy}) that any process can copy and call.
 * A call is one message over a Unix-domain socket ({@link org.kernellib.mp.manager.ManagerProtocol},
 * framed by {@link org.kernellib.mp.connection.FrameChannel}); shared-memory values, locks and
 * queues are much faster, managers hold any Java object and nest.
 */
package org.kernellib.mp.manager;
