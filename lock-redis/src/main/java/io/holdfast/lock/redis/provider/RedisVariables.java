package io.holdfast.lock.redis.provider;

import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.internal.env.Variables;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.internal.RedisUrls;
import io.holdfast.lock.spi.BackendConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The redis backend's variables, read and validated as a whole: each error names the variable,
 * its value (passwords masked) and what is accepted. The rules are {@link RedisLockSettings}'
 * (one namespace rule, one lease minimum) and {@link RedisUrls}' (one URL grammar), checked
 * here so that the message names the variable rather than a builder method.
 *
 * @param url {@code REDIS_URL}
 * @param namespace {@code LOCK_NAMESPACE}
 * @param lease {@code LOCK_LEASE}
 * @param replicaAcks {@code LOCK_REPLICA_ACKS}
 * @param replicaTimeout {@code LOCK_REPLICA_TIMEOUT}
 */
record RedisVariables(Optional<RedisUrls.Parsed> url, Optional<String> namespace,
        Optional<Duration> lease, OptionalInt replicaAcks, Optional<Duration> replicaTimeout) {

    /** The Redis URL or Cluster seeds. */
    static final String REDIS_URL = "REDIS_URL";
    /** The key namespace. */
    static final String LOCK_NAMESPACE = "LOCK_NAMESPACE";
    /** The lease. */
    static final String LOCK_LEASE = "LOCK_LEASE";
    /** Replicas that must acknowledge a grant. */
    static final String LOCK_REPLICA_ACKS = "LOCK_REPLICA_ACKS";
    /** How long to wait for replica acknowledgements. */
    static final String LOCK_REPLICA_TIMEOUT = "LOCK_REPLICA_TIMEOUT";
    /** Every variable of the redis backend. */
    static final List<String> ALL = List.of(REDIS_URL, LOCK_NAMESPACE, LOCK_LEASE,
            LOCK_REPLICA_ACKS, LOCK_REPLICA_TIMEOUT);

    /** The largest {@code LOCK_REPLICA_ACKS} accepted. */
    static final int MAX_REPLICA_ACKS = 100;

    private static final Pattern ACKS = Pattern.compile("\\d{1,3}");

    /**
     * Reads the variables of {@code config}.
     *
     * @param chosen true when the service uses (or would use) this backend: {@code REDIS_URL}
     *     is then required
     * @throws IllegalArgumentException naming the variable
     */
    static RedisVariables read(BackendConfig config, boolean chosen) {
        Optional<RedisUrls.Parsed> url = Variables.get(config, REDIS_URL, RedisUrls.ACCEPTED,
                v -> RedisUrls.parse(REDIS_URL, v));
        Optional<String> namespace = Variables.get(config, LOCK_NAMESPACE, namespaceRule(),
                RedisVariables::namespace);
        Optional<Duration> lease = Variables.get(config, LOCK_LEASE, "a " + Variables.DURATION,
                v -> Variables.duration(LOCK_LEASE, v, RedisLockSettings.MIN_LEASE));
        Optional<Integer> acks = Variables.get(config, LOCK_REPLICA_ACKS, acksRule(), v -> {
            String t = v.trim();
            if (!ACKS.matcher(t).matches() || Integer.parseInt(t) > MAX_REPLICA_ACKS) {
                throw Variables.invalid(LOCK_REPLICA_ACKS, v, "must be " + acksRule());
            }
            return Integer.parseInt(t);
        });
        Optional<Duration> ackTimeout = Variables.get(config, LOCK_REPLICA_TIMEOUT,
                "a " + Variables.DURATION, v -> Variables.duration(LOCK_REPLICA_TIMEOUT, v, Duration.ofMillis(1)));
        if (ackTimeout.isPresent() && acks.orElse(0) == 0) {
            throw new IllegalArgumentException(LOCK_REPLICA_TIMEOUT + " is set, but "
                    + LOCK_REPLICA_ACKS + " is " + acks.map(String::valueOf).orElse("not set")
                    + ": the timeout only applies when waiting for at least one replica; set "
                    + LOCK_REPLICA_ACKS + " to 1 or more, or unset " + LOCK_REPLICA_TIMEOUT);
        }
        if (chosen && url.isEmpty()) {
            throw new IllegalArgumentException("the redis backend needs " + REDIS_URL
                    + ", which is not set (LOCK_BACKEND=redis chooses it); set " + REDIS_URL + " to "
                    + RedisUrls.ACCEPTED);
        }
        return new RedisVariables(url, namespace, lease,
                acks.map(OptionalInt::of).orElseGet(OptionalInt::empty), ackTimeout);
    }

    /** Applies the variables that are set to {@code b}; the others keep the builder's defaults. */
    RedisLockSettings.Builder apply(RedisLockSettings.Builder b) {
        url.ifPresent(u -> {
            if (u.topology() == RedisUrls.Topology.CLUSTER) {
                b.clusterUris(u.uris());
            } else {
                b.uri(u.uris().get(0));
            }
        });
        namespace.ifPresent(b::namespace);
        lease.ifPresent(b::lease);
        replicaAcks.ifPresent(acks -> b.replicaAcks(acks,
                replicaTimeout.orElse(RedisLockSettings.DEFAULT_REPLICA_ACK_TIMEOUT)));
        return b;
    }

    /** The settings for the start-up log, passwords masked. */
    String summary() {
        List<String> s = new ArrayList<>();
        url.ifPresent(u -> s.add(REDIS_URL + "=" + u));
        namespace.ifPresent(n -> s.add(LOCK_NAMESPACE + "=" + n));
        lease.ifPresent(l -> s.add(LOCK_LEASE + "=" + Durations.format(l)));
        replicaAcks.ifPresent(a -> s.add(LOCK_REPLICA_ACKS + "=" + a));
        replicaTimeout.ifPresent(t -> s.add(LOCK_REPLICA_TIMEOUT + "=" + Durations.format(t)));
        return String.join(", ", s);
    }

    /** The namespace, checked by {@link RedisLockSettings.Builder#namespace}: one rule. */
    private static String namespace(String v) {
        String t = v.trim();
        try {
            RedisLockSettings.builder().namespace(t);
        } catch (IllegalArgumentException e) {
            throw Variables.invalid(LOCK_NAMESPACE, v, "must be " + namespaceRule() + " (" + e.getMessage() + ")");
        }
        return t;
    }

    private static String namespaceRule() {
        return "1 to 64 printable ASCII characters without spaces or braces";
    }

    private static String acksRule() {
        return "a whole number from 0 to " + MAX_REPLICA_ACKS;
    }
}
