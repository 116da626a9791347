package io.holdfast.lock.spi;

import io.holdfast.lock.internal.Secrets;
import io.holdfast.lock.internal.env.RedisUrls;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A validated {@code REDIS_URL}: its topology and the URLs to connect to. {@link #toString()}
 * masks passwords; {@link #uris()} does not, so never log it.
 */
public final class RedisEndpoint {

    /** How the Redis deployment is reached. */
    public enum Topology {
        /** One server (or a primary reached directly): {@code redis://} or {@code rediss://}. */
        STANDALONE,
        /** A primary found through Sentinels: {@code redis-sentinel://}. */
        SENTINEL,
        /** A Redis Cluster, found through a comma-separated list of seed URLs. */
        CLUSTER
    }

    private final Topology topology;
    private final List<String> uris;
    private final String masked;

    private RedisEndpoint(Topology topology, List<String> uris, String masked) {
        this.topology = topology;
        this.uris = List.copyOf(uris);
        this.masked = masked;
    }

    /**
     * Parses and validates a Redis URL the way {@code REDIS_URL} is read.
     *
     * @param variable the setting's name, for messages (e.g. {@code REDIS_URL})
     * @param text the URL or comma-separated Cluster seeds
     * @throws IllegalArgumentException naming the variable, the masked value and the accepted forms
     */
    public static RedisEndpoint parse(String variable, String text) {
        Objects.requireNonNull(variable, "variable");
        Objects.requireNonNull(text, variable);
        RedisUrls.Parsed p = RedisUrls.parse(variable, text);
        return new RedisEndpoint(p.topology(), p.uris(), Secrets.maskUrl(String.join(",", p.uris())));
    }

    /** The topology. */
    public Topology topology() {
        return topology;
    }

    /**
     * The URLs, passwords included: one for {@link Topology#STANDALONE} and
     * {@link Topology#SENTINEL} (the whole {@code redis-sentinel://} URL), one per seed for
     * {@link Topology#CLUSTER}.
     */
    public List<String> uris() {
        return uris;
    }

    /** The passwords in the URLs, to scrub from messages that may contain them. */
    public Set<String> secrets() {
        return Secrets.passwords(String.join(",", uris));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RedisEndpoint e && e.topology == topology && e.uris.equals(uris);
    }

    @Override
    public int hashCode() {
        return uris.hashCode();
    }

    /** The URLs with passwords masked, and the topology. */
    @Override
    public String toString() {
        return masked + " (" + topology.name().toLowerCase(Locale.ROOT) + ")";
    }
}
