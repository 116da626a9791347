package io.holdfast.reliability.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process TCP proxy on a loopback port that injects network faults between a client and a
 * server (a lock client and Redis, or a replica and its primary). Faults apply to every open and
 * future connection at once:
 * <ul>
 *   <li>{@link #latency}: each chunk is delivered that long after it arrived, in both directions;</li>
 *   <li>{@link #holdReplies}: server-to-client bytes are queued (the server did the work, the client
 *       does not know); {@link #pass} delivers them late, in order;</li>
 *   <li>{@link #holdRequests}: client-to-server bytes are queued (the client's commands stall on
 *       the way), while replies and pub/sub messages the server sends still reach the client;
 *       {@link #pass} delivers the requests late, in order;</li>
 *   <li>{@link #blackhole}: both directions are queued, as when packets are lost and TCP keeps
 *       retransmitting; {@link #pass} delivers them, {@link #reset} drops them;</li>
 *   <li>{@link #reset}: every open connection is aborted with a TCP RST, queued bytes dropped;</li>
 *   <li>{@link #refuse}: new connections are reset at once, as if the server were down.</li>
 * </ul>
 * Bytes are never dropped while a connection stays open, so the RESP stream is never corrupted.
 * Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String name;
    private final ServerSocket listener;
    private volatile InetSocketAddress target;
    private final Direction requests = new Direction("requests");
    private final Direction replies = new Direction("replies");
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong deliveredRequestBytes = new AtomicLong();
    private final AtomicLong deliveredReplyBytes = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean refusing;
    private volatile boolean closed;

    private FaultProxy(String name, ServerSocket listener, InetSocketAddress target) {
        this.name = name;
        this.listener = listener;
        this.target = target;
    }

    /**
     * Starts a proxy on a free loopback port forwarding to {@code host:port}, passing traffic.
     *
     * @throws UncheckedIOException if no port can be bound
     */
    public static FaultProxy start(String host, int port) {
        Objects.requireNonNull(host, "host");
        try {
            ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            FaultProxy proxy = new FaultProxy("proxy-" + IDS.incrementAndGet() + "->" + port, listener,
                    new InetSocketAddress(host, port));
            Thread acceptor = new Thread(proxy::acceptLoop, proxy.name + "-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a proxy port for " + host + ":" + port, e);
        }
    }

    /** The loopback host clients connect to: {@code 127.0.0.1}. */
    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    /** The port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Forwards future connections to {@code port} on the same host (open ones keep their server). */
    public void retarget(int port) {
        target = new InetSocketAddress(target.getHostString(), port);
    }

    /** Ends every fault: no latency, nothing held, connections accepted; held bytes are delivered now. */
    public void pass() {
        refusing = false;
        requests.latency(0);
        replies.latency(0);
        requests.hold(false);
        replies.hold(false);
        LOG.info("{}: pass", name);
    }

    /** Delays every chunk by {@code oneWay} in each direction (so a round trip gains twice that). */
    public void latency(Duration oneWay) {
        Objects.requireNonNull(oneWay, "oneWay");
        requests.latency(oneWay.toNanos());
        replies.latency(oneWay.toNanos());
        LOG.info("{}: latency {} each way", name, oneWay);
    }

    /** Queues every reply until {@link #pass()}: requests still reach the server and are executed. */
    public void holdReplies() {
        replies.hold(true);
        LOG.info("{}: holding replies", name);
    }

    /**
     * Queues every request until {@link #pass()}: the client's commands do not reach the server,
     * but what the server sends (replies already due, pub/sub messages) still reaches the client.
     */
    public void holdRequests() {
        requests.hold(true);
        LOG.info("{}: holding requests", name);
    }

    /** Queues traffic in both directions until {@link #pass()} or {@link #reset()}. */
    public void blackhole() {
        requests.hold(true);
        replies.hold(true);
        LOG.info("{}: black hole", name);
    }

    /** Aborts every open connection with a TCP reset; queued bytes are dropped. Faults stay as set. */
    public void reset() {
        List<ProxyConnection> open = List.copyOf(connections);
        open.forEach(ProxyConnection::reset);
        wakeWriters();
        LOG.info("{}: reset {} connection(s)", name, open.size());
    }

    /** While {@code refuse} is true, new connections are reset as soon as they are accepted. */
    public void refuse(boolean refuse) {
        refusing = refuse;
        LOG.info("{}: refusing new connections = {}", name, refuse);
    }

    /** Connections currently open through the proxy. */
    public int openConnections() {
        return connections.size();
    }

    /** Connections accepted since start (including refused ones). */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Bytes read from either side and not yet delivered. */
    public long queuedBytes() {
        return connections.stream().mapToLong(ProxyConnection::queuedBytes).sum();
    }

    /** Bytes delivered client to server since start. */
    public long requestBytes() {
        return deliveredRequestBytes.get();
    }

    /** Bytes delivered server to client since start. */
    public long replyBytes() {
        return deliveredReplyBytes.get();
    }

    /** Stops accepting and resets every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        reset();
    }

    Direction requests() {
        return requests;
    }

    Direction replies() {
        return replies;
    }

    AtomicLong deliveredRequestBytes() {
        return deliveredRequestBytes;
    }

    AtomicLong deliveredReplyBytes() {
        return deliveredReplyBytes;
    }

    private void wakeWriters() {
        requests.wakeAll();
        replies.wakeAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("{}: accept failed, proxy stops: {}", name, e.toString());
                }
                return;
            }
            long id = accepted.incrementAndGet();
            if (refusing) {
                closeQuietly(client, true);
                continue;
            }
            connect(client, id);
        }
    }

    private void connect(Socket client, long id) {
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(target, 2_000);
            ProxyConnection[] holder = new ProxyConnection[1];
            ProxyConnection connection = new ProxyConnection(client, upstream, this, () -> {
                connections.remove(holder[0]);
                wakeWriters();
            });
            holder[0] = connection;
            connections.add(connection);
            connection.start(name + "-c" + id);
        } catch (IOException e) {
            LOG.debug("{}: cannot reach {}: {}", name, target, e.toString());
            closeQuietly(client, true);
            closeQuietly(upstream, true);
        }
    }

    static void closeQuietly(Socket socket, boolean abort) {
        try {
            if (abort && !socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (SocketException e) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // nothing to do
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[" + name + " on " + port() + ", " + openConnections() + " open]";
    }
}
