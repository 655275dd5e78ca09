package org.kernellib.mp.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.ignite.Ignite;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.kernellib.mp.start.WorkerClassPath;

/**
 * The Ignite configuration of every node kernel-lib starts, server or client. What it fixes, and
 * why:
 * <ul>
 * <li>Discovery through a static list of addresses ({@code TcpDiscoveryVmIpFinder}), never
 *     Ignite's default multicast finder, which sends to a multicast group; a local cluster lists
 *     127.0.0.1 ports only, from {@link #DISCOVERY_PORTS}, and binds 127.0.0.1 only.</li>
 * <li>Communication on {@link #COMMUNICATION_PORTS}, bound like discovery.</li>
 * <li>No REST connector and no thin-client/JDBC listener: no port beyond those two.</li>
 * <li>No peer class loading: it cannot ship notebook code (JJava's snippet loader serves no class
 *     bytes), and kernel-lib ships its own task payload in fixed job classes instead.</li>
 * <li>Small data regions (a node holds values, locks and queues, not data sets), metrics logging
 *     off, Ignite's log at warnings and above, the work directory in kernel-lib's private runtime
 *     directory of the JVM.</li>
 * </ul>
 */
final class NodeConfig {
    /** Discovery ports of local servers: {@code [first, last]}. */
    static final int[] DISCOVERY_PORTS = {47600, 47699};
    /** Communication ports of every local node, the kernel's client included. */
    static final int[] COMMUNICATION_PORTS = {47700, 47799};
    /** Node attributes: the JVM's pid and kernel-lib's name for the node, for timelines and messages. */
    static final String PID = "kernellib.pid";
    static final String NAME = "kernellib.name";
    /** How long a node tries to join before its start fails. */
    static final long JOIN_TIMEOUT_MS = 60_000;
    /**
     * How long the kernel's client node tries to reconnect when the server it talks through (its
     * router) dies: Ignite's default is 5 s, but the server it reconnects through may itself not
     * answer for longer (a collection pause, three JVMs on two loaded cores: make bench's failover
     * round now and then lost its kernel this way), and the cluster itself waits 10 s
     * (failureDetectionTimeout) before it gives up on an unresponsive server. ClientReconnectTest
     * pauses that server for 7 s. The cost: a kernel whose whole cluster is gone learns it after
     * this long, not after 5 s.
     */
    static final long CLIENT_RECONNECT_MS = 15_000;
    /**
     * How long the chunks a kernel's client had out wait, once the cluster has dropped it (it gave
     * up reconnecting, after {@link #CLIENT_RECONNECT_MS}), for it to rejoin as a new node: it asks
     * every 2 s (Ignite's reconnect delay), and a server that was only slow lets it in at once. Past
     * this, the chunks fail and new ones fail at once, until it has rejoined.
     */
    static final long REJOIN_WAIT_MS = 10_000;
    /**
     * How long a leaving client waits for its servers to acknowledge that it leaves. Ignite waits
     * the network timeout, all of {@link #CLIENT_RECONNECT_MS} when the servers are gone; a live
     * router answers in milliseconds, and a server that gets no goodbye drops the client when
     * its connection closes anyway.
     */
    static final long CLIENT_LEAVE_MS = 1_000;
    private static final long MIB = 1024L * 1024;

    private NodeConfig() {
    }

    /**
     * @param addresses the discovery addresses of the servers, as Ignite takes them
     *     ({@code host:port} or {@code host:port1..port2})
     * @param discoveryPort the port this server listens on for discovery (0 for a client)
     */
    static IgniteConfiguration of(final String instanceName, final String nodeName, final boolean client,
            final List<String> addresses, final int discoveryPort, final Path workDir) {
        TcpDiscoveryVmIpFinder finder = new TcpDiscoveryVmIpFinder();
        finder.setAddresses(addresses);
        return of(instanceName, nodeName, client, finder, discoveryPort, workDir);
    }

    /** The same with a finder of the caller's: a node of a local cluster waits in it for the first server. */
    static IgniteConfiguration of(final String instanceName, final String nodeName, final boolean client,
            final TcpDiscoveryVmIpFinder finder, final int discoveryPort, final Path workDir) {
        TcpDiscoverySpi discovery = new TcpDiscoverySpi();
        discovery.setIpFinder(finder);
        discovery.setLocalAddress("127.0.0.1");
        // Ignite's default is to wait for a server forever: a wrong address would hang the cell.
        // A minute covers local servers still booting on two loaded cores.
        discovery.setJoinTimeout(JOIN_TIMEOUT_MS);
        if (client) {
            discovery.setNetworkTimeout(CLIENT_RECONNECT_MS);
        }
        if (discoveryPort > 0) {
            discovery.setLocalPort(discoveryPort);
            discovery.setLocalPortRange(0); // exactly this port: never wander into another cluster's
        }
        TcpCommunicationSpi communication = new TcpCommunicationSpi();
        communication.setLocalAddress("127.0.0.1");
        communication.setLocalPort(COMMUNICATION_PORTS[0]);
        communication.setLocalPortRange(COMMUNICATION_PORTS[1] - COMMUNICATION_PORTS[0]);
        communication.setMessageQueueLimit(1024); // bounded, as Ignite advises at every start otherwise

        DataStorageConfiguration storage = new DataStorageConfiguration();
        storage.setSystemRegionInitialSize(16 * MIB);
        storage.setSystemRegionMaxSize(32 * MIB);
        DataRegionConfiguration region = new DataRegionConfiguration();
        region.setName("default");
        region.setInitialSize(16 * MIB);
        region.setMaxSize(64 * MIB);
        storage.setDefaultDataRegionConfiguration(region);

        IgniteConfiguration c = new IgniteConfiguration();
        c.setIgniteInstanceName(instanceName);
        c.setClientMode(client);
        c.setLocalHost("127.0.0.1");
        c.setDiscoverySpi(discovery);
        c.setCommunicationSpi(communication);
        c.setConnectorConfiguration(null);
        c.setClientConnectorConfiguration(null);
        c.setPeerClassLoadingEnabled(false);
        c.setMetricsLogFrequency(0);
        c.setDataStorageConfiguration(storage);
        c.setAtomicConfiguration(ClusterObject.atomics()); // locks and semaphores take theirs from here
        if (client && finder instanceof FirstServerGate) {
            // it joins on a system thread that waits in the gate: no blocked-thread report meanwhile
            c.setSystemWorkerBlockedTimeout(((FirstServerGate) finder).timeoutMs() + 10_000);
        }
        c.setGridLogger(new WarningLogger(nodeName));
        c.setWorkDirectory(workDir.toString());
        // What Ignite reads objects with: in the kernel, the loader of kernel-lib-cluster (JJava's,
        // in a notebook); on a local server, the loader of the server's whole class path, which
        // the kernel's class path is part of (Ignite itself is on the JVM's own: LocalServer.command)
        c.setClassLoader(client ? NodeConfig.class.getClassLoader() : WorkerClassPath.loader());
        c.setUserAttributes(Map.of(PID, ProcessHandle.current().pid(), NAME, nodeName));
        return c;
    }

    /**
     * Makes client node {@code ignite} leave without waiting long for servers that may be gone
     * (see {@link #CLIENT_LEAVE_MS}).
     */
    static void leaveSoon(final Ignite ignite) {
        if (ignite.configuration().getDiscoverySpi() instanceof TcpDiscoverySpi d) {
            d.setNetworkTimeout(CLIENT_LEAVE_MS); // read again by the discovery SPI as the node stops
        }
    }
}
