package io.holdfast.lock.testkit.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Starting a three-primary Cluster and finding which node owns a key. */
final class ClusterSetup {

    static final int PRIMARIES = 3;
    static final int SLOTS = 16384;
    private static final int NODE_TIMEOUT_MS = 2000;

    private ClusterSetup() {
    }

    /** Starts the nodes, joins them with {@code redis-cli --cluster create} and waits for state ok everywhere. */
    static RedisTopology start(RedisTopologySpec spec, List<ProcessNode> started) {
        List<String> create = new ArrayList<>(ProcessNode.authArgs(spec.password().orElse(null)));
        create.addAll(List.of("--cluster", "create"));
        for (int i = 1; i <= PRIMARIES; i++) {
            ProcessNode node = ProcessNode.start(spec.name(), "node" + i, false, spec.password().orElse(null),
                    spec.startupTimeout(), (port, dir) -> Redis.dataConfig(port, dir, spec,
                            "cluster-enabled yes\n"
                            + "cluster-config-file nodes.conf\n"
                            + "cluster-port " + Ports.next() + "\n"
                            + "cluster-node-timeout " + NODE_TIMEOUT_MS + "\n"));
            started.add(node);
            create.add(node.host() + ":" + node.port());
        }
        create.add("--cluster-yes");
        started.get(0).redisCli(create, 60);
        for (ProcessNode node : started) {
            Redis.await(spec.startupTimeout().multipliedBy(2), node + " to report cluster_state:ok", () -> {
                String info = node.text("CLUSTER", "INFO");
                return Optional.of(true).filter(x -> info.contains("cluster_state:ok")
                        && info.contains("cluster_slots_ok:" + SLOTS)
                        && info.contains("cluster_known_nodes:" + PRIMARIES));
            });
        }
        return new RedisTopology(spec, started, List.of());
    }

    /** See {@link RedisTopology#nodeForKey}: asks the first live node that answers. */
    static ProcessNode nodeForKey(List<ProcessNode> nodes, String key) {
        RuntimeException failure = null;
        for (ProcessNode asked : nodes) {
            try {
                long slot = (Long) asked.call("CLUSTER", "KEYSLOT", key);
                int port = ownerPort(asked.text("CLUSTER", "NODES"), slot);
                for (ProcessNode node : nodes) {
                    if (node.port() == port) {
                        return node;
                    }
                }
                throw new IllegalStateException("slot " + slot + " is served by port " + port
                        + ", which is not a node of this topology");
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        throw new IllegalStateException("no node could tell which primary serves key '" + key + "'", failure);
    }

    /**
     * Finds the master serving {@code slot} in {@code CLUSTER NODES} output, whose lines read
     * {@code <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot|from-to>...}.
     */
    static int ownerPort(String clusterNodes, long slot) {
        for (String line : clusterNodes.split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 9 || !List.of(fields[2].split(",")).contains("master")
                    || List.of(fields[2].split(",")).contains("fail")) {
                continue;
            }
            for (int i = 8; i < fields.length; i++) {
                if (fields[i].startsWith("[")) {
                    continue; // a slot being imported or migrated: not served here yet
                }
                String[] range = fields[i].split("-");
                long from = Long.parseLong(range[0]);
                long to = range.length == 2 ? Long.parseLong(range[1]) : from;
                if (slot >= from && slot <= to) {
                    String address = fields[1].split("@")[0];
                    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
                }
            }
        }
        throw new IllegalStateException("no master serves slot " + slot + " according to CLUSTER NODES:\n"
                + clusterNodes);
    }
}
