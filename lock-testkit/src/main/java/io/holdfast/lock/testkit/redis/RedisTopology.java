package io.holdfast.lock.testkit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Running Redis processes for tests, benchmarks and fault injection: one standalone server; a
 * primary, a replica and three Sentinels; or a three-primary Cluster. Each process is a local
 * {@code redis-server} on a free loopback port (never 6379) with its own directory and log under
 * {@code target/redis-testkit}. {@link #close()} kills them all; so does JVM exit.
 *
 * <pre>{@code
 * try (RedisTopology redis = RedisTopology.startStandalone()) {
 *     RedisClient client = RedisClient.create(redis.uri());
 *     ...
 *     redis.primary().stop();   // freeze the server (SIGSTOP)
 *     redis.primary().cont();
 * }
 * }</pre>
 *
 * Thread-safe. For JUnit 5, {@link RedisExtension} manages the life cycle.
 */
public final class RedisTopology implements AutoCloseable {

    /** The shapes the kit can start. */
    public enum Kind {
        /** One server. */
        STANDALONE,
        /**
         * A primary, one replica and three Sentinels monitoring {@value RedisTopologySpec#SENTINEL_MASTER_NAME}:
         * quorum 2, down-after 1s (see {@link RedisTopologySpec.Builder#sentinelDownAfter}), failover-timeout 3s,
         * parallel-syncs 1; Sentinels poll INFO and publish
         * hellos every second (instead of 10s and 2s) so topology changes show sooner.
         */
        SENTINEL,
        /** Three primaries sharing the 16384 hash slots, no replicas. */
        CLUSTER
    }

    private final RedisTopologySpec spec;
    private final List<ProcessNode> dataNodes;
    private final List<ProcessNode> sentinels;
    private volatile ProcessNode primary;

    RedisTopology(RedisTopologySpec spec, List<ProcessNode> dataNodes, List<ProcessNode> sentinels) {
        this.spec = spec;
        this.dataNodes = List.copyOf(dataNodes);
        this.sentinels = List.copyOf(sentinels);
        this.primary = dataNodes.get(0);
    }

    /**
     * Starts the topology {@code spec} describes and returns once every node answers and the topology is
     * formed (replica in sync and Sentinels aware of each other; Cluster state ok on every node).
     *
     * @throws IllegalStateException if Redis is not installed or a node does not start (the message names
     *     what to install, or has the node's log tail); nodes already started are killed
     */
    public static RedisTopology start(RedisTopologySpec spec) {
        Objects.requireNonNull(spec, "spec");
        List<ProcessNode> started = new ArrayList<>();
        try {
            switch (spec.kind()) {
                case STANDALONE:
                    started.add(ProcessNode.start(spec.name(), "server", false, spec.password().orElse(null),
                            spec.startupTimeout(), (port, dir) -> Redis.dataConfig(port, dir, spec, "")));
                    return new RedisTopology(spec, started, List.of());
                case SENTINEL:
                    return SentinelSetup.start(spec, started);
                case CLUSTER:
                    return ClusterSetup.start(spec, started);
                default:
                    throw new IllegalArgumentException("unknown kind " + spec.kind());
            }
        } catch (RuntimeException | Error e) {
            started.forEach(ProcessNode::kill);
            throw e;
        }
    }

    /** Starts one standalone server with default settings. */
    public static RedisTopology startStandalone() {
        return start(RedisTopologySpec.standalone().build());
    }

    /** Starts a primary, one replica and three Sentinels with default settings. */
    public static RedisTopology startSentinel() {
        return start(RedisTopologySpec.sentinel().build());
    }

    /** Starts a three-primary Cluster with default settings. */
    public static RedisTopology startCluster() {
        return start(RedisTopologySpec.cluster().build());
    }

    /** The spec this topology was started from. */
    public RedisTopologySpec spec() {
        return spec;
    }

    /** The topology kind. */
    public Kind kind() {
        return spec.kind();
    }

    /**
     * The URI clients connect with (Lettuce {@code RedisURI.create} syntax): {@code redis://host:port} of
     * the server; for Sentinel {@code redis-sentinel://host:p1,host:p2,host:p3#holdfast}; for Cluster the
     * first seed. Carries the password when the spec sets one.
     */
    public String uri() {
        if (kind() != Kind.SENTINEL) {
            return dataNodes.get(0).uri();
        }
        String password = spec.password().map(pw -> pw + "@").orElse("");
        return sentinels.stream().map(s -> s.host() + ":" + s.port())
                .collect(Collectors.joining(",", "redis-sentinel://" + password, "#"
                        + RedisTopologySpec.SENTINEL_MASTER_NAME));
    }

    /**
     * The {@code redis://} URIs of every Cluster node, to seed a Cluster client.
     *
     * @throws IllegalStateException unless this is a Cluster
     */
    public List<String> clusterSeeds() {
        require(Kind.CLUSTER, "clusterSeeds()");
        return dataNodes.stream().map(RedisNode::uri).collect(Collectors.toUnmodifiableList());
    }

    /**
     * The standalone server, or the Sentinel topology's current primary (as of start or the last
     * {@link #awaitFailover}).
     *
     * @throws IllegalStateException for a Cluster, which has three: see {@link #nodes()} and {@link #nodeForKey}
     */
    public RedisNode primary() {
        if (kind() == Kind.CLUSTER) {
            throw new IllegalStateException("a Cluster has three primaries: use nodes() or nodeForKey(key)");
        }
        return primary;
    }

    /** The data nodes other than {@link #primary()} (Sentinel topology); empty otherwise. */
    public List<RedisNode> replicas() {
        if (kind() != Kind.SENTINEL) {
            return List.of();
        }
        ProcessNode current = primary;
        return dataNodes.stream().filter(n -> n != current).collect(Collectors.toUnmodifiableList());
    }

    /** The Sentinels (Sentinel topology); empty otherwise. */
    public List<RedisNode> sentinels() {
        return List.copyOf(sentinels);
    }

    /** Every process of the topology: data nodes first, then Sentinels. */
    public List<RedisNode> nodes() {
        List<RedisNode> all = new ArrayList<>(dataNodes);
        all.addAll(sentinels);
        return List.copyOf(all);
    }

    /**
     * Waits until a majority of Sentinels name a primary other than the current {@link #primary()} and
     * that node reports itself master, then makes it {@link #primary()} and returns it. Call it after
     * failing the primary (e.g. {@code primary().kill()}); failover usually takes 2-6s.
     *
     * @throws IllegalStateException unless this is a Sentinel topology, or if no failover completes within
     *     {@code timeout}
     */
    public RedisNode awaitFailover(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        require(Kind.SENTINEL, "awaitFailover()");
        ProcessNode promoted = SentinelSetup.awaitFailover(primary, dataNodes, sentinels, timeout);
        primary = promoted;
        return promoted;
    }

    /**
     * The Cluster primary serving {@code key}'s hash slot now (asked with {@code CLUSTER KEYSLOT} and
     * {@code CLUSTER NODES}).
     *
     * @throws IllegalStateException unless this is a Cluster, or if no live node knows the slot's owner
     */
    public RedisNode nodeForKey(String key) {
        Objects.requireNonNull(key, "key");
        require(Kind.CLUSTER, "nodeForKey()");
        return ClusterSetup.nodeForKey(dataNodes, key);
    }

    /**
     * Makes a holdfast lock's holder lose its lease, as if the lease had expired: deletes the lock's
     * key (namespace {@code holdfast}) on the node that serves it. The holder notices at its next
     * renewal, within a third of its lease, and reports the loss: {@code isHeld()} turns false,
     * {@code onLost} listeners run, {@code holdfast.lock.lost} counts it. Meanwhile another process may
     * acquire the lock, with a greater fencing token (the token counter is kept).
     *
     * @return true if the lock was held (a key was deleted)
     * @throws IllegalStateException if the node does not answer
     */
    public boolean breakLock(String resource) {
        return breakLock(LockKeys.DEFAULT_NAMESPACE, resource);
    }

    /**
     * {@link #breakLock(String)} for a lock in {@code namespace} ({@code LOCK_NAMESPACE},
     * {@code RedisLockSettings.Builder#namespace}).
     *
     * @return true if the lock was held (a key was deleted)
     * @throws IllegalStateException if the node does not answer
     */
    public boolean breakLock(String namespace, String resource) {
        String key = LockKeys.lockKey(namespace, resource);
        RedisNode node = kind() == Kind.CLUSTER ? nodeForKey(key) : primary();
        return "1".equals(node.cli("DEL", key));
    }

    /** Kills every process (Sentinels first, so they do not react); idempotent. */
    @Override
    public void close() {
        sentinels.forEach(ProcessNode::kill);
        dataNodes.forEach(ProcessNode::kill);
    }

    /** One line per node with its log file, for failure reports. */
    String describe() {
        StringBuilder text = new StringBuilder();
        for (RedisNode node : nodes()) {
            text.append("  ").append(node).append(node.isAlive() ? "" : " (dead)")
                    .append(", log ").append(node.logFile()).append('\n');
        }
        return text.toString();
    }

    private void require(Kind expected, String method) {
        if (kind() != expected) {
            throw new IllegalStateException(method + " needs a " + expected + " topology, but this is " + kind());
        }
    }

    @Override
    public String toString() {
        return "RedisTopology[" + kind() + " '" + spec.name() + "', " + uri().replaceAll("//[^@/]*@", "//") + "]";
    }
}
