package io.holdfast.lock.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports. A port the OS just handed out can still be taken by someone else before
 * redis-server binds it, so callers retry on "Address already in use"; within this JVM a port is
 * never handed out twice, so parallel topologies do not race each other.
 */
final class Ports {

    /** The shared development Redis; never ours. */
    static final int SHARED_REDIS_PORT = 6379;

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {
    }

    static synchronized int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = probe();
            // Bus ports of Cluster nodes are allocated here too, so no port+10000 convention applies.
            if (port != SHARED_REDIS_PORT && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found in 100 attempts");
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }

    static boolean isListening(String host, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
