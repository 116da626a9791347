package io.holdfast.lock.redis.internal;

import io.lettuce.core.RedisURI;
import java.util.List;
import java.util.stream.Collectors;

/** Describes Redis endpoints for messages and logs, never with credentials. */
public final class Endpoints {

    private Endpoints() {}

    /** {@code redis://host:port}, {@code rediss://…} or {@code redis-sentinel://h:p,h:p#master}. */
    public static String describe(RedisURI uri) {
        if (uri.getSentinelMasterId() != null && !uri.getSentinels().isEmpty()) {
            return (uri.isSsl() ? "rediss-sentinel://" : "redis-sentinel://")
                    + uri.getSentinels().stream().map(Endpoints::hostPort)
                            .collect(Collectors.joining(","))
                    + "#" + uri.getSentinelMasterId();
        }
        if (uri.getSocket() != null) {
            return "redis-socket://" + uri.getSocket();
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + hostPort(uri);
    }

    /** {@code redis-cluster://h:p,h:p} for a list of cluster seeds. */
    public static String describeCluster(List<RedisURI> seeds) {
        boolean ssl = !seeds.isEmpty() && seeds.get(0).isSsl();
        return (ssl ? "rediss-cluster://" : "redis-cluster://")
                + seeds.stream().map(Endpoints::hostPort).collect(Collectors.joining(","));
    }

    private static String hostPort(RedisURI uri) {
        String host = uri.getHost();
        return (host != null && host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":"
                + uri.getPort();
    }
}
