package io.holdfast.lock.redis;

import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.redis.internal.Endpoints;
import io.holdfast.lock.redis.internal.LeaseTiming;
import io.holdfast.lock.redis.internal.RedisUrls;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable settings of a {@link RedisLockManager} or {@link RedisStatusManager}: where Redis is,
 * the key namespace, the lease, waiting, replication and retries. Build with {@link #builder()};
 * every setter validates at once and names the setting, the value and the fix.
 *
 * <p>Exactly one connection source is set: a URI ({@code redis://}, {@code rediss://},
 * {@code redis-sentinel://}), a list of Cluster seed URIs, or a Lettuce client the caller owns
 * (which holdfast then never shuts down).
 */
public final class RedisLockSettings {

    /** Default key namespace. */
    public static final String DEFAULT_NAMESPACE = "holdfast";
    /** Default lease: how long a lock outlives a holder that stopped renewing it. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** Shortest lease accepted. */
    public static final Duration MIN_LEASE = Duration.ofMillis(100);
    /** Default: leases are renewed while held. */
    public static final boolean DEFAULT_RENEWAL = true;
    /** Default wait strategy. */
    public static final WaitStrategy DEFAULT_WAIT_STRATEGY = WaitStrategy.PUBSUB;
    /** Default {@link Builder#cacheMisses}: every miss asks Redis. */
    public static final boolean DEFAULT_CACHE_MISSES = false;
    /** Default {@link Builder#waitForRelease}: a release waits for Redis's reply. */
    public static final boolean DEFAULT_WAIT_FOR_RELEASE = true;
    /** Default replica acknowledgements required after an acquire: none. */
    public static final int DEFAULT_MIN_REPLICA_ACKS = 0;
    /** Default {@link Builder#localHandoffs}. */
    public static final int DEFAULT_LOCAL_HANDOFFS = 32;
    /**
     * Largest {@link Builder#localHandoffs}: every Redis grant reserves this many tokens after its
     * own, whatever the setting, so that any manager can tell a holder's token from the fence.
     */
    public static final int MAX_LOCAL_HANDOFFS = 32;
    /** Default time to wait for replica acknowledgements. */
    public static final Duration DEFAULT_REPLICA_ACK_TIMEOUT = Duration.ofMillis(100);
    /** Default attempts per command, the first included, on transient errors. */
    public static final int DEFAULT_RETRY_ATTEMPTS = 5;
    /** Default first backoff between attempts; it doubles with jitter up to the maximum. */
    public static final Duration DEFAULT_RETRY_INITIAL_BACKOFF = Duration.ofMillis(50);
    /** Default longest backoff between attempts. */
    public static final Duration DEFAULT_RETRY_MAX_BACKOFF = Duration.ofSeconds(1);
    /** Default connect and command timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private static final int MAX_NAMESPACE_LENGTH = 64;

    private final RedisURI uri;
    private final List<RedisURI> clusterUris;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final ClientResources clientResources;
    private final String namespace;
    private final Duration lease;
    private final boolean renewal;
    private final WaitStrategy waitStrategy;
    private final int minReplicaAcks;
    private final int localHandoffs;
    private final boolean waitForRelease;
    private final boolean cacheMisses;
    private final Duration replicaAckTimeout;
    private final int retryAttempts;
    private final Duration retryInitialBackoff;
    private final Duration retryMaxBackoff;
    private final Duration timeout;
    private final MeterRegistry meterRegistry;

    private RedisLockSettings(Builder b) {
        uri = b.uri;
        clusterUris = List.copyOf(b.clusterUris);
        client = b.client;
        clusterClient = b.clusterClient;
        clientResources = b.clientResources;
        namespace = b.namespace;
        lease = b.lease;
        renewal = b.renewal;
        waitStrategy = b.waitStrategy;
        minReplicaAcks = b.minReplicaAcks;
        localHandoffs = b.localHandoffs;
        waitForRelease = b.waitForRelease;
        cacheMisses = b.cacheMisses;
        replicaAckTimeout = b.replicaAckTimeout;
        retryAttempts = b.retryAttempts;
        retryInitialBackoff = b.retryInitialBackoff;
        retryMaxBackoff = b.retryMaxBackoff;
        timeout = b.timeout;
        meterRegistry = b.meterRegistry;
    }

    /** Settings with every default for the Redis at {@code uri}. */
    public static RedisLockSettings of(String uri) {
        return builder().uri(uri).build();
    }

    /** A builder with every default and no connection source yet. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@code base}. */
    public static Builder from(RedisLockSettings base) {
        Objects.requireNonNull(base, "base");
        return new Builder(base);
    }

    /** The standalone or Sentinel URI; with a user-owned {@link RedisClient}, optional. */
    public Optional<RedisURI> uri() {
        return Optional.ofNullable(uri);
    }

    /** The Cluster seed URIs, or empty. */
    public List<RedisURI> clusterUris() {
        return clusterUris;
    }

    /** The caller's {@link RedisClient}, which holdfast does not shut down. */
    public Optional<RedisClient> client() {
        return Optional.ofNullable(client);
    }

    /** The caller's {@link RedisClusterClient}, which holdfast does not shut down. */
    public Optional<RedisClusterClient> clusterClient() {
        return Optional.ofNullable(clusterClient);
    }

    /**
     * The caller's {@link ClientResources} (event loops, timers) for the clients holdfast creates;
     * holdfast does not shut them down.
     */
    public Optional<ClientResources> clientResources() {
        return Optional.ofNullable(clientResources);
    }

    /** True when the source is a Redis Cluster (seed URIs or a cluster client). */
    public boolean isCluster() {
        return !clusterUris.isEmpty() || clusterClient != null;
    }

    /** The prefix of every key; managers share locks only within one namespace. */
    public String namespace() {
        return namespace;
    }

    /** The lease: how long Redis keeps a lock whose holder stopped renewing it. */
    public Duration lease() {
        return lease;
    }

    /** Whether leases are renewed every lease/3 while held. */
    public boolean renewal() {
        return renewal;
    }

    /** How waiters learn of a release. */
    public WaitStrategy waitStrategy() {
        return waitStrategy;
    }

    /** Replicas that must acknowledge an acquire (Redis {@code WAIT}); 0 disables the check. */
    public int minReplicaAcks() {
        return minReplicaAcks;
    }

    /**
     * How many times in a row a lease may pass from one thread of this JVM to the next waiting
     * one without going through Redis; 0 disables it (also when renewal is off).
     */
    public int localHandoffs() {
        return renewal ? localHandoffs : 0;
    }

    /** Whether a release waits for Redis's reply (see {@link Builder#waitForRelease}). */
    public boolean waitForRelease() {
        return waitForRelease;
    }

    /**
     * Whether a zero-wait {@code tryAcquire} that finds the lock held may be answered without a
     * round trip while Redis has not invalidated that answer (see {@link Builder#cacheMisses}).
     */
    public boolean cacheMisses() {
        return cacheMisses;
    }

    /** How long to wait for replica acknowledgements. */
    public Duration replicaAckTimeout() {
        return replicaAckTimeout;
    }

    /** Attempts per command on transient errors, the first included. */
    public int retryAttempts() {
        return retryAttempts;
    }

    /** The first backoff between attempts. */
    public Duration retryInitialBackoff() {
        return retryInitialBackoff;
    }

    /** The longest backoff between attempts. */
    public Duration retryMaxBackoff() {
        return retryMaxBackoff;
    }

    /** Connect and per-command timeout. */
    public Duration timeout() {
        return timeout;
    }

    /** Where metrics go, if anywhere. */
    public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    /** The endpoint, without credentials, for messages and logs. */
    public String endpoint() {
        if (!clusterUris.isEmpty()) {
            return Endpoints.describeCluster(clusterUris);
        }
        if (uri != null) {
            return Endpoints.describe(uri);
        }
        return clusterClient != null ? "redis-cluster (caller's client)" : "redis (caller's client)";
    }

    @Override
    public String toString() {
        return "RedisLockSettings[" + endpoint() + ", namespace " + namespace + ", lease "
                + Durations.format(lease) + (renewal ? ", renewed" : ", not renewed") + ", wait "
                + waitStrategy + ", replica acks " + minReplicaAcks + ", local handoffs "
                + localHandoffs() + (waitForRelease ? "" : ", releases do not wait")
                + (cacheMisses ? ", misses cached" : "") + ", timeout "
                + Durations.format(timeout) + "]";
    }

    /** Builds {@link RedisLockSettings}; every setter validates its value at once. Not thread-safe. */
    public static final class Builder {
        private RedisURI uri;
        private List<RedisURI> clusterUris = List.of();
        private RedisClient client;
        private RedisClusterClient clusterClient;
        private ClientResources clientResources;
        private String namespace = DEFAULT_NAMESPACE;
        private Duration lease = DEFAULT_LEASE;
        private boolean renewal = DEFAULT_RENEWAL;
        private WaitStrategy waitStrategy = DEFAULT_WAIT_STRATEGY;
        private int minReplicaAcks = DEFAULT_MIN_REPLICA_ACKS;
        private int localHandoffs = DEFAULT_LOCAL_HANDOFFS;
        private boolean waitForRelease = DEFAULT_WAIT_FOR_RELEASE;
        private boolean cacheMisses = DEFAULT_CACHE_MISSES;
        private Duration replicaAckTimeout = DEFAULT_REPLICA_ACK_TIMEOUT;
        private int retryAttempts = DEFAULT_RETRY_ATTEMPTS;
        private Duration retryInitialBackoff = DEFAULT_RETRY_INITIAL_BACKOFF;
        private Duration retryMaxBackoff = DEFAULT_RETRY_MAX_BACKOFF;
        private Duration timeout = DEFAULT_TIMEOUT;
        private MeterRegistry meterRegistry;

        private Builder() {}

        private Builder(RedisLockSettings s) {
            uri = s.uri;
            clusterUris = s.clusterUris;
            client = s.client;
            clusterClient = s.clusterClient;
            clientResources = s.clientResources;
            namespace = s.namespace;
            lease = s.lease;
            renewal = s.renewal;
            waitStrategy = s.waitStrategy;
            minReplicaAcks = s.minReplicaAcks;
            localHandoffs = s.localHandoffs;
            waitForRelease = s.waitForRelease;
            cacheMisses = s.cacheMisses;
            replicaAckTimeout = s.replicaAckTimeout;
            retryAttempts = s.retryAttempts;
            retryInitialBackoff = s.retryInitialBackoff;
            retryMaxBackoff = s.retryMaxBackoff;
            timeout = s.timeout;
            meterRegistry = s.meterRegistry;
        }

        /**
         * The Redis to use: {@code redis://[user:password@]host[:port][/db]}, {@code rediss://…}
         * for TLS, {@code redis-sentinel://[password@]host:port[,host:port]…[/db]#master}
         * ({@code rediss-sentinel://} for TLS) or {@code redis-socket:///path/to/socket}: the same
         * grammar as {@code REDIS_URL}.
         *
         * @throws IllegalArgumentException if the URI cannot be parsed (the message masks passwords)
         */
        public Builder uri(String uri) {
            Objects.requireNonNull(uri, "uri");
            return uri(parse("uri", uri));
        }

        /** The Redis to use, as a Lettuce {@link RedisURI}. */
        public Builder uri(RedisURI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /**
         * A Redis Cluster, by one or more seed URIs ({@code redis://host:port} or
         * {@code rediss://host:port}); the rest of the cluster is discovered.
         *
         * @throws IllegalArgumentException if the list is empty or a URI cannot be parsed
         */
        public Builder cluster(List<String> seedUris) {
            Objects.requireNonNull(seedUris, "seedUris");
            List<RedisURI> parsed = new ArrayList<>();
            for (String s : seedUris) {
                Objects.requireNonNull(s, "seed URI");
                parsed.add(parse("cluster seed URI", s));
            }
            return clusterUris(parsed);
        }

        /** A Redis Cluster, by one or more seed {@link RedisURI}s. */
        public Builder clusterUris(List<RedisURI> seeds) {
            Objects.requireNonNull(seeds, "seeds");
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("cluster needs at least one seed URI, such as"
                        + " redis://10.0.0.1:7000, but the list was empty");
            }
            for (RedisURI seed : seeds) {
                Objects.requireNonNull(seed, "seed URI");
                if (seed.getSentinelMasterId() != null) {
                    throw new IllegalArgumentException("cluster seed URIs must be redis:// or"
                            + " rediss://, but was a Sentinel URI " + Endpoints.describe(seed)
                            + "; use uri(...) for Sentinel");
                }
            }
            this.clusterUris = List.copyOf(seeds);
            return this;
        }

        /**
         * A {@link RedisClient} the caller owns and shuts down; combine with {@link #uri} when the
         * client was created without a default URI.
         */
        public Builder client(RedisClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** A {@link RedisClusterClient} the caller owns and shuts down. */
        public Builder client(RedisClusterClient client) {
            this.clusterClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * {@link ClientResources} the caller owns and shuts down (such as the application's), for
         * the client holdfast creates from {@link #uri} or {@link #cluster}; not with
         * {@link #client}, whose resources are its own.
         */
        public Builder clientResources(ClientResources resources) {
            this.clientResources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        /**
         * The prefix of every key (default {@value #DEFAULT_NAMESPACE}): 1 to 64 printable ASCII
         * characters without spaces or braces.
         */
        public Builder namespace(String namespace) {
            Objects.requireNonNull(namespace, "namespace");
            if (namespace.isEmpty() || namespace.length() > MAX_NAMESPACE_LENGTH) {
                throw new IllegalArgumentException("namespace must be 1 to " + MAX_NAMESPACE_LENGTH
                        + " characters, but had " + namespace.length());
            }
            for (int i = 0; i < namespace.length(); i++) {
                char c = namespace.charAt(i);
                if (c <= 0x20 || c >= 0x7f || c == '{' || c == '}') {
                    throw new IllegalArgumentException("namespace must be printable ASCII without"
                            + " spaces or braces (braces would break the Cluster hash tag), but had '"
                            + (c < 0x20 || c >= 0x7f ? String.format("U+%04X", (int) c) : c)
                            + "' at index " + i + "; use a name such as 'holdfast' or 'billing:locks'");
                }
            }
            this.namespace = namespace;
            return this;
        }

        /** The lease (default 30s, at least 100ms). */
        public Builder lease(Duration lease) {
            this.lease = Durations.requireAtLeast("lease", lease, MIN_LEASE);
            return this;
        }

        /** Whether held leases are renewed every lease/3 (default true). */
        public Builder renewal(boolean renewal) {
            this.renewal = renewal;
            return this;
        }

        /** How waiters learn that a release handed them the lock (default PUBSUB). */
        public Builder waitStrategy(WaitStrategy waitStrategy) {
            this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
            return this;
        }

        /**
         * How many times in a row (default {@value #DEFAULT_LOCAL_HANDOFFS}, 0 to
         * {@value #MAX_LOCAL_HANDOFFS}; 0 disables) a released lease passes straight to the next
         * thread of this JVM waiting for the same lock, with no Redis round trip, before a release
         * goes to Redis so that other processes get their turn. Each handoff gives a fencing
         * token one greater than the previous holder's (every Redis grant reserves that many
         * tokens); a lost lease is never handed on, and renewal continues for the new holder.
         * Only with renewal on.
         */
        public Builder localHandoffs(int handoffs) {
            if (handoffs < 0 || handoffs > MAX_LOCAL_HANDOFFS) {
                throw new IllegalArgumentException("local handoffs must be 0 to "
                        + MAX_LOCAL_HANDOFFS + ", but was " + handoffs);
            }
            this.localHandoffs = handoffs;
            return this;
        }

        /**
         * Whether {@code Lease.release()} waits for Redis's reply (default
         * {@value #DEFAULT_WAIT_FOR_RELEASE}).
         *
         * <p>true: {@code release()} returns once Redis freed the lock (false if it was no longer
         * ours) and throws {@code LockUnavailableException} when Redis could not be reached; any
         * client that learns of the release afterwards, by any path, finds the lock free.
         *
         * <p>false saves the caller one round trip per release (a lock+unlock costs one round
         * trip instead of two). The release is written at once on the manager's command
         * connection: every command the manager sends afterwards, from any thread (the next
         * acquire of the same lock included), reaches Redis behind it, and a release that hands
         * the lock to a waiter does so in Redis as before. Nothing is granted twice: Redis alone
         * decides who holds. What changes: {@code release()} returns true when the lease was held
         * as far as this process knew (a release that then finds the lock no longer ours is logged
         * at WARN and counted as a lost lease; one that fails is logged and counted in {@code
         * holdfast.lock.release.failures}, and the lock frees itself when its lease ends); and
         * another process told of the release out of band (a message, a database row) may find
         * the lock still held for about one round trip, so its {@code tryAcquire} can miss (a
         * waiting acquire is handed the lock by the release). {@code close()} waits (up to the
         * timeout) for releases still under way. A release whose lease's known validity has
         * already ended waits in either mode.
         */
        public Builder waitForRelease(boolean waitForRelease) {
            this.waitForRelease = waitForRelease;
            return this;
        }

        /**
         * Whether a zero-wait {@code tryAcquire} of an exclusive lease that found the lock held
         * may be answered "busy" again without a round trip (default false). Redis's client-side
         * caching ({@code CLIENT TRACKING}, RESP3) tells the manager's command connection when
         * any key that miss read changes or expires: a release, a renewal, a new holder, a
         * flush. Until then, and never beyond the holder's remaining lease as the miss reported
         * it, a miss of the same lock costs no command; after the invalidation arrived the next
         * attempt goes to Redis. The manager's own release of the lock, a disconnect or a
         * reconnect drop what it remembers; replies that may have crossed a reconnect are never
         * remembered. At most 1,024 locks
         * are remembered. Off (every miss is one command) for Redis Cluster, for connections that
         * speak RESP2, when the server refuses {@code CLIENT TRACKING} (ACL), and for shared
         * requests, whose outcome depends on queue entries that expire without a key changing.
         * The cost while on: Redis keeps, per manager connection, the keys its commands read, and
         * sends one small invalidation message when such a key changes.
         *
         * <p>Why it is off by default: the invalidation reaches this manager on its own
         * connection, a little after the release that caused it returned to its caller (Redis
         * writes it before the release's reply, but this process reads it on its own schedule). A
         * process told of the release out of band (a message, a database row, another thread of
         * this process that released through another manager) may still be answered "busy" for
         * that moment, as it could with a miss sent just before the release. Mutual exclusion,
         * fencing and everything this manager itself observes are unchanged. Turn it on where
         * instances only learn of a release through the lock, as scheduled jobs polling with
         * {@code tryAcquire} do.
         */
        public Builder cacheMisses(boolean cacheMisses) {
            this.cacheMisses = cacheMisses;
            return this;
        }

        /**
         * Requires {@code replicas} replica acknowledgements (Redis {@code WAIT}) after each
         * acquire, waiting up to {@code timeout}; with fewer, the acquire is undone and retried
         * within the caller's wait. This lowers, but does not remove, the chance that a failover
         * loses a granted lock; it costs one round trip per acquire.
         */
        public Builder replicaAcks(int replicas, Duration timeout) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replica acks must be 0 (off) or more, but was "
                        + replicas);
            }
            Durations.requireAtLeast("replica ack timeout", timeout, Duration.ofMillis(1));
            this.minReplicaAcks = replicas;
            this.replicaAckTimeout = timeout;
            return this;
        }

        /**
         * Retries of commands that failed transiently (connection refused or reset, timeout,
         * LOADING, TRYAGAIN, CLUSTERDOWN): {@code attempts} in all, the first included, with
         * exponential backoff and jitter from {@code initialBackoff} to {@code maxBackoff}, never
         * beyond the caller's wait.
         */
        public Builder retry(int attempts, Duration initialBackoff, Duration maxBackoff) {
            if (attempts < 1) {
                throw new IllegalArgumentException("retry attempts must be at least 1 (no retry),"
                        + " but was " + attempts);
            }
            Durations.requireAtLeast("retry initial backoff", initialBackoff, Duration.ofMillis(1));
            Durations.requireAtLeast("retry max backoff", maxBackoff, initialBackoff);
            this.retryAttempts = attempts;
            this.retryInitialBackoff = initialBackoff;
            this.retryMaxBackoff = maxBackoff;
            return this;
        }

        /** Connect and per-command timeout (default 3s, at least 10ms). */
        public Builder timeout(Duration timeout) {
            this.timeout = Durations.requireAtLeast("timeout", timeout, Duration.ofMillis(10));
            return this;
        }

        /** Records metrics to {@code registry} (null for none). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @throws IllegalStateException if no or several connection sources were set, or options
         *     conflict
         */
        public RedisLockSettings build() {
            int sources = (clusterUris.isEmpty() ? 0 : 1) + (client != null ? 1 : 0)
                    + (clusterClient != null ? 1 : 0) + (uri != null && client == null ? 1 : 0);
            if (sources == 0) {
                throw new IllegalStateException("no Redis configured: call uri(\"redis://host:6379\"),"
                        + " cluster(List.of(\"redis://host:7000\")) or client(...)");
            }
            if (sources > 1) {
                throw new IllegalStateException("set exactly one of uri, cluster and client, but "
                        + sources + " were set (" + describeSources() + ")");
            }
            if (clientResources != null && (client != null || clusterClient != null)) {
                throw new IllegalStateException("clientResources(...) applies to the client holdfast"
                        + " creates from uri or cluster, but client(...) was set: create that client"
                        + " with the resources instead");
            }
            Duration renewalPeriod = LeaseTiming.of(lease).renewalPeriod();
            if (minReplicaAcks > 0 && replicaAckTimeout.compareTo(renewalPeriod) >= 0) {
                throw new IllegalStateException("replica ack timeout must be shorter than lease/3 ("
                        + Durations.format(renewalPeriod) + "), but was "
                        + Durations.format(replicaAckTimeout) + "; lower it or raise the lease");
            }
            return new RedisLockSettings(this);
        }

        private String describeSources() {
            List<String> set = new ArrayList<>();
            if (uri != null) {
                set.add("uri " + Endpoints.describe(uri));
            }
            if (!clusterUris.isEmpty()) {
                set.add("cluster " + Endpoints.describeCluster(clusterUris));
            }
            if (client != null) {
                set.add("client");
            }
            if (clusterClient != null) {
                set.add("cluster client");
            }
            return String.join(", ", set);
        }

        /** {@link RedisUrls}, the one grammar of Redis URLs, naming {@code what} in messages. */
        private static RedisURI parse(String what, String text) {
            return RedisUrls.parseOne(what, text);
        }
    }
}
