package io.holdfast.lock.redis.admin;

import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.internal.Failures;
import io.holdfast.lock.spi.LockAdmin.Finding;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What {@code holdfast check --connect} reports about Redis: the start-up checks a manager runs,
 * the round-trip time, and per primary its version, role, replicas, eviction policy and
 * persistence, with the warnings the library logs (and a few it cannot: no persistence, fewer
 * replicas than {@code LOCK_REPLICA_ACKS}). Commands an ACL user may lack ({@code INFO},
 * {@code CONFIG}) only make a finding unknown.
 */
final class ServerProbe {

    private static final int PINGS = 5;

    private final RedisReads reads;
    private final RedisLockSettings settings;

    ServerProbe(RedisReads reads, RedisLockSettings settings) {
        this.reads = reads;
        this.settings = settings;
    }

    List<Finding> run() {
        List<Finding> out = new ArrayList<>();
        reads.backend(); // PING, script load, permission probe, eviction-policy warning
        out.add(Finding.ok("start-up checks", "passed: PING (credentials), SCRIPT LOAD, the lock"
                + " scripts on " + settings.namespace() + ":{~probe} (ACL permissions)"));
        out.add(Finding.ok("round trip", String.format(Locale.ROOT, "%.2f ms (median of %d PINGs)",
                roundTripMillis(), PINGS)));
        Map<String, RedisClusterAsyncCommands<String, String>> nodes = primaries();
        for (Map.Entry<String, RedisClusterAsyncCommands<String, String>> n : nodes.entrySet()) {
            describe(n.getKey(), n.getValue(), out);
        }
        return out;
    }

    private double roundTripMillis() {
        long[] nanos = new long[PINGS];
        for (int i = 0; i < PINGS; i++) {
            long start = System.nanoTime();
            reads.call("PING", () -> reads.commands().ping());
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[PINGS / 2] / 1e6;
    }

    /** Each primary's connection by address: every primary of a Cluster, else the one server. */
    private Map<String, RedisClusterAsyncCommands<String, String>> primaries() {
        Map<String, RedisClusterAsyncCommands<String, String>> out = new LinkedHashMap<>();
        RedisClusterAsyncCommands<String, String> c = reads.commands();
        if (c instanceof RedisAdvancedClusterAsyncCommands<String, String> cluster) {
            String nodes = reads.call("CLUSTER NODES", cluster::clusterNodes);
            for (RedisClusterNode node : ClusterPartitionParser.parse(nodes)) {
                if (node.getRole().isUpstream()) {
                    out.put(node.getUri().getHost() + ":" + node.getUri().getPort(),
                            cluster.getConnection(node.getNodeId()));
                }
            }
        } else {
            out.put(settings.endpoint(), c);
        }
        return out;
    }

    private void describe(String address, RedisClusterAsyncCommands<String, String> c,
            List<Finding> out) {
        String prefix = "server " + address;
        Map<String, String> info;
        try {
            info = parseInfo(get(c.info()));
        } catch (Exception e) {
            out.add(new Finding(prefix, "unknown", Optional.of("INFO failed: " + Failures.explain(e)
                    + " (grant +info to see the server's version, role and persistence)")));
            info = Map.of();
        }
        if (!info.isEmpty()) {
            int replicas = Integer.parseInt(info.getOrDefault("connected_slaves", "0"));
            String role = info.getOrDefault("role", "?");
            out.add(new Finding(prefix, "Redis " + info.getOrDefault("redis_version", "?") + ", role "
                    + role + ", " + replicas + " replica(s) connected",
                    replicas < settings.minReplicaAcks()
                            ? Optional.of("LOCK_REPLICA_ACKS is " + settings.minReplicaAcks()
                                    + " but only " + replicas + " replica(s) are connected: grants"
                                    + " will wait for the timeout and be undone")
                            : Optional.empty()));
        }
        String policy = config(c, "maxmemory-policy");
        out.add(new Finding(prefix + " maxmemory-policy", policy == null ? "unknown (CONFIG GET"
                + " not permitted)" : policy, policy != null && !policy.equals("noeviction")
                        ? Optional.of("under memory pressure Redis may evict lock keys and grant a"
                                + " held lock again; set maxmemory-policy noeviction")
                        : Optional.empty()));
        boolean aof = "1".equals(info.get("aof_enabled"));
        String save = aof ? null : config(c, "save");
        String persistence = aof ? "appendonly (AOF)"
                : save == null ? "AOF off, snapshots unknown (CONFIG GET not permitted)"
                : save.isBlank() ? "none" : "RDB snapshots only (save " + save + ")";
        out.add(new Finding(prefix + " persistence", persistence, aof ? Optional.empty()
                : Optional.of("a restart loses the locks granted since the last snapshot and may"
                        + " grant a held lock again; fencing tokens still increase (they follow the"
                        + " server clock); consider appendonly yes")));
    }

    private String config(RedisClusterAsyncCommands<String, String> c, String name) {
        try {
            return get(c.configGet(name)).get(name);
        } catch (Exception e) {
            return null;
        }
    }

    private <T> T get(RedisFuture<T> f) throws Exception {
        return f.toCompletableFuture().get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Map<String, String> parseInfo(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return m;
    }
}
