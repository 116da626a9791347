package io.holdfast.lock.testkit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Starting the Sentinel topology and watching its failovers. */
final class SentinelSetup {

    static final int SENTINELS = 3;
    static final int QUORUM = 2;
    static final int FAILOVER_TIMEOUT_MS = 3000;

    private SentinelSetup() {
    }

    /** Starts primary, replica and Sentinels, adding each to {@code started} as soon as it runs. */
    static RedisTopology start(RedisTopologySpec spec, List<ProcessNode> started) {
        String password = spec.password().orElse(null);
        ProcessNode primary = ProcessNode.start(spec.name(), "primary", false, password, spec.startupTimeout(),
                (port, dir) -> Redis.dataConfig(port, dir, spec, ""));
        started.add(primary);
        ProcessNode replica = ProcessNode.start(spec.name(), "replica", false, password, spec.startupTimeout(),
                (port, dir) -> Redis.dataConfig(port, dir, spec,
                        "replicaof " + ProcessNode.HOST + " " + primary.port() + "\n"));
        started.add(replica);
        Duration formation = spec.startupTimeout().multipliedBy(2);
        Redis.await(formation, replica + " to sync with " + primary, () -> Optional.of(true)
                .filter(x -> replica.text("INFO", "replication").contains("master_link_status:up")));
        List<ProcessNode> sentinels = new ArrayList<>();
        for (int i = 1; i <= SENTINELS; i++) {
            ProcessNode sentinel = ProcessNode.start(spec.name(), "sentinel" + i, true, null, spec.startupTimeout(),
                    (port, dir) -> sentinelConfig(port, dir, primary.port(), spec));
            started.add(sentinel);
            sentinels.add(sentinel);
            sentinel.onLaunch(SentinelSetup::speedUp);
        }
        for (ProcessNode sentinel : sentinels) {
            Redis.await(formation, sentinel + " to see the replica and the other Sentinels", () -> {
                Map<String, String> master = master(sentinel);
                return Optional.of(true).filter(x -> Integer.parseInt(master.get("num-slaves")) >= 1
                        && Integer.parseInt(master.get("num-other-sentinels")) >= SENTINELS - 1);
            });
        }
        return new RedisTopology(spec, List.of(primary, replica), sentinels);
    }

    private static String sentinelConfig(int port, java.nio.file.Path dir, int primaryPort, RedisTopologySpec spec) {
        String name = RedisTopologySpec.SENTINEL_MASTER_NAME;
        String password = spec.password().orElse(null);
        return Redis.baseConfig(port, dir)
                + "sentinel monitor " + name + " " + ProcessNode.HOST + " " + primaryPort + " " + QUORUM + "\n"
                + "sentinel down-after-milliseconds " + name + " " + spec.sentinelDownAfter().toMillis() + "\n"
                + "sentinel failover-timeout " + name + " " + FAILOVER_TIMEOUT_MS + "\n"
                + "sentinel parallel-syncs " + name + " 1\n"
                + (password == null ? "" : "sentinel auth-pass " + name + " " + RedisTopologySpec.quote(password) + "\n");
    }

    /**
     * Makes a Sentinel poll INFO every second instead of every 10s and say hello every second instead of
     * every 2s: it discovers peers and replicas, and reconfigures a returning old primary, that much
     * sooner. Failure detection and failover timing stay those of the config.
     */
    private static void speedUp(ProcessNode sentinel) {
        sentinel.call("SENTINEL", "DEBUG", "INFO-PERIOD", "1000", "PUBLISH-PERIOD", "1000");
    }

    /** {@code SENTINEL MASTER holdfast} as a map. */
    private static Map<String, String> master(ProcessNode sentinel) {
        List<?> reply = (List<?>) sentinel.call("SENTINEL", "MASTER", RedisTopologySpec.SENTINEL_MASTER_NAME);
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            fields.put(String.valueOf(reply.get(i)), String.valueOf(reply.get(i + 1)));
        }
        return fields;
    }

    /** See {@link RedisTopology#awaitFailover}. */
    static ProcessNode awaitFailover(ProcessNode old, List<ProcessNode> dataNodes, List<ProcessNode> sentinels,
            Duration timeout) {
        return Redis.await(timeout, "Sentinels to promote a new primary in place of " + old, () -> {
            Map<Integer, Integer> votes = new HashMap<>();
            for (ProcessNode sentinel : sentinels) {
                try {
                    List<?> address = (List<?>) sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME",
                            RedisTopologySpec.SENTINEL_MASTER_NAME);
                    votes.merge(Integer.parseInt(String.valueOf(address.get(1))), 1, Integer::sum);
                } catch (RuntimeException e) {
                    // a killed or frozen Sentinel has no say
                }
            }
            return dataNodes.stream()
                    .filter(n -> n != old && votes.getOrDefault(n.port(), 0) > SENTINELS / 2)
                    .filter(n -> "master".equals(((List<?>) n.call("ROLE")).get(0)))
                    .findFirst();
        });
    }
}
