package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.internal.cluster.ClusterTopologyCheckedException;
import org.junit.jupiter.api.Test;

/** Which of Ignite's warnings reach a cell. */
class WarningLoggerTest {
    @Test
    void aNodeThatFindsNoServerIsNewsAlways() {
        // startLocal's nodes wait for the first server (FirstServerGate) instead of hiding this warning
        String noServer = "Failed to connect to any address from IP finder (will retry to join topology every 2000 ms; "
                + "change 'reconnectDelay' to configure the frequency of retries): [/127.0.0.1:47601]";
        assertTrue(printed(noServer).startsWith("[ignite kernel warning] Failed to connect"), printed(noServer));
    }

    @Test
    void productionAdviceIsLeftOutOtherWarningsAreShown() {
        assertEquals("", printed("Initial heap size is 32MB (min heap size is recommended to be 512MB)"));
        // as Ignite 2.17 wrote it when the cluster had dropped the kernel's client and it rejoined
        assertEquals("", printed("Client node was reconnected after it was already considered failed by the server "
                + "topology (this could happen after all servers restarted or due to a long network outage between the "
                + "client and servers). All continuous queries and remote event listeners created by this client will "
                + "be unsubscribed, consider listening to EVT_CLIENT_NODE_RECONNECTED event to restore them."));
        assertTrue(printed("Something else went wrong").contains("[ignite kernel warning] Something else"));
    }

    private static final String NODE = "TcpDiscoveryNode [id=657539db-1608-4b2e-ae36-9d29989630e4, "
            + "consistentId=127.0.0.1:47664, addrs=ArrayList [127.0.0.1], sockAddrs=HashSet [/127.0.0.1:47664], "
            + "discPort=47664, order=2, intOrder=2, loc=false, ver=2.17.0#20250209-sha1:d53d4540, isClient=false]";

    @Test
    void aNodesDeathIsSaidInALineNotInDumpsOfItsDescriptor() {
        // as Ignite 2.17 wrote them in notebook 09 when a server was killed
        assertEquals("[ignite kernel warning] node 127.0.0.1:47664 failed and has left the cluster\n",
                printed("Node FAILED: " + NODE));
        String next = "Failed to send message to next node [msg=TcpDiscoveryConnectionCheckMessage [super="
                + "TcpDiscoveryAbstractMessage [sndNodeId=null, id=ca17fe432a1-aa2a, verifierNodeId=null, topVer=0, "
                + "pendingIdx=0, failedNodes=null, isClient=false]], next=" + NODE + ", errMsg=Failed to send message "
                + "to next node [msg=..., next=ClusterNode [id=657539db, order=2, addr=[127.0.0.1]]]]";
        assertEquals("[ignite kernel warning] cannot reach node 127.0.0.1:47664 (if it has died, it is about to be "
                + "dropped from the cluster)\n", printed(next));
        String failover = "Failed over job to a new node [newNode=a8fec5f5-4fb5-4709-91a9-c1e37d303980, oldNode="
                + "f185f5a6-1cc5-4283-a60c-ee37bc29f3c2, sesId=394104632a1-3568fe04-d58b-42c6-9c75-54b7b78811ac, jobCtx="
                + "GridJobContextImpl [jobId=494104632a1-3568fe04-d58b-42c6-9c75-54b7b78811ac, timeoutObj=null, attrs=HashMap "
                + "{gg:failover:failednodelist=HashSet [f185f5a6-1cc5-4283-a60c-ee37bc29f3c2]}], task=org.kernellib.mp.cluster"
                + ".NodeInit]";
        assertEquals("[ignite kernel warning] a job of a node that has left runs again on another node (Ignite's failover)\n",
                printed(failover));
        assertEquals("", printed("Local node has detected failed nodes and started cluster-wide procedure. To speed up "
                + "failure detection please see 'Failure Detection' section under javadoc for 'TcpDiscoverySpi'"));
    }

    @Test
    void otherMessagesNameNodesByAddressAndAreCut() {
        String sent = printed("Failed to send message to remote node [node=" + NODE + ", msg=GridIoMessage [plc=2]]");
        assertEquals("[ignite kernel warning] Failed to send message to remote node [node=node 127.0.0.1:47664, "
                + "msg=GridIoMessage [plc=2]]\n", sent);
        String longOne = printed("x".repeat(5000));
        assertTrue(longOne.length() < 500 && longOne.contains("4600 more characters"), longOne);
    }

    @Test
    void messagesLostWithANodeThatDiedAreNotShownOtherSendFailuresAre() {
        // as Ignite 2.17 wrote them, on the survivor and on the kernel, when ClusterBench killed a server
        String sent = "Failed to send message to remote node [node=" + NODE + ", msg=GridIoMessage [plc=2, topic=TOPIC_CACHE, "
                + "msg=GridDhtAtomicDeferredUpdateResponse [futIds=GridLongList [idx=5, arr=[81970,81971]]]]]";
        assertEquals("", printedError(sent, new ClusterTopologyCheckedException(
                "Failed to send message (node left topology): " + NODE)));
        assertEquals("[ignite kernel error] " + WarningLogger.readable(sent) + ": class org.apache.ignite.IgniteCheckedException: "
                + "Connection refused\n", printedError(sent, new IgniteCheckedException("Connection refused")));
    }

    @Test
    void aKernelThatLosesItsRouterIsToldSoInALine() {
        // as Ignite 2.17 wrote it on the kernel when ClientReconnectTest killed the server it talked through
        String heartbeat = "Failed to send message: TcpDiscoveryClientMetricsUpdateMessage [super=TcpDiscoveryAbstractMessage "
                + "[sndNodeId=null, id=9a18f3732a1-3e326997-1e7f-4085-9d30-f7f36dfa7925, verifierNodeId=null, topVer=0, "
                + "pendingIdx=0, failedNodes=null, isClient=true]]";
        assertEquals("[ignite kernel warning] lost the connection to the server it reached the cluster through; "
                + "reconnecting through another (for up to 15 s)\n",
                printedError(heartbeat, new java.net.SocketException("Socket closed")));
    }

    private static String printedError(final String msg, final Throwable e) {
        return stderrOf(() -> new WarningLogger("kernel").error(msg, e));
    }

    private static String printed(final String msg) {
        return stderrOf(() -> new WarningLogger("kernel").warning(msg, null));
    }

    private static String stderrOf(final Runnable logging) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            logging.run();
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
