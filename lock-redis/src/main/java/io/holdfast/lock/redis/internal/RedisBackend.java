package io.holdfast.lock.redis.internal;

import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.OwnerIds;
import io.holdfast.lock.redis.RedisLockSettings;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis connections of one service: a command connection (standalone, Sentinel-discovered
 * primary, or Cluster), and a pub/sub connection opened asynchronously, shared by the managers
 * that {@link #share()} it. Closed when its last user closes it: clients that holdfast created
 * are shut down then; a caller's client is left running.
 */
public final class RedisBackend implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
    /** Endpoints already warned about their eviction policy: one WARN per endpoint per JVM. */
    private static final Set<String> EVICTION_WARNED = ConcurrentHashMap.newKeySet();
    /**
     * No Lettuce per-command timeout (a timer task per command: 8 threads locking 1,000 resources
     * ran about 30% more cycles per second without it): holdfast waits with its own deadline and
     * cancels what timed out (see {@link CommandRunner}), which also keeps the command from being
     * replayed after a reconnect.
     */
    private static final TimeoutOptions COMMAND_TIMEOUTS_BY_CALLER =
            TimeoutOptions.builder().timeoutCommands(false).build();
    /** The shortest interval between two adaptive topology refreshes of a Cluster client. */
    static final long ADAPTIVE_REFRESH_MILLIS = 500;
    /** {@code ClientOptions.Builder.replayFilter}, or null before Lettuce 6.6. */
    private static final Method REPLAY_FILTER = replayFilterMethod();

    private final RedisLockSettings settings;
    private final String endpoint;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final boolean ownsClient;
    /** The URI to connect a caller's client to, or null to use the client's default URI. */
    private final RedisURI connectUri;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    /** The URI of a client holdfast created (standalone or Sentinel), else null. */
    private final RedisURI ownedUri;
    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> pubSub;
    /** Set once by {@link #open} before any manager uses the backend. */
    private MissCache misses;
    /** Managers using these connections; the last {@link #close()} closes them. */
    private final AtomicInteger users = new AtomicInteger(1);
    /** When the topology was last reloaded after a failed renewal (see {@link #refreshTopology}). */
    private final AtomicLong lastTopologyRefresh =
            new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(1));

    private RedisBackend(RedisLockSettings settings, RedisClient client,
            RedisClusterClient clusterClient, boolean ownsClient) {
        this.settings = settings;
        this.endpoint = settings.endpoint();
        this.client = client;
        this.clusterClient = clusterClient;
        this.ownsClient = ownsClient;
        this.connectUri = ownsClient ? null : settings.uri().orElse(null);
        this.ownedUri = ownsClient && client != null
                ? withTimeout(settings.uri().orElseThrow(), settings.timeout()) : null;
        StatefulConnection<String, String> c;
        try {
            if (clusterClient != null) {
                StatefulRedisClusterConnection<String, String> cc =
                        clusterClient.connect(ExactUtf8Codec.INSTANCE);
                cc.setTimeout(settings.timeout());
                commands = cc.async();
                c = cc;
            } else {
                StatefulRedisConnection<String, String> sc =
                        connectUri != null ? client.connect(ExactUtf8Codec.INSTANCE, connectUri)
                                : client.connect(ExactUtf8Codec.INSTANCE);
                sc.setTimeout(settings.timeout());
                commands = sc.async();
                c = sc;
            }
        } catch (RuntimeException e) {
            shutdownOwned();
            throw Failures.unavailable("connecting", endpoint, e, 1);
        }
        this.connection = c;
    }

    /**
     * Connects, checks the server answers ({@code PING}, which also proves authentication), loads
     * the scripts and warns once if the eviction policy could evict lock keys.
     *
     * @throws LockUnavailableException with a clear reason when Redis cannot be used
     */
    public static RedisBackend open(RedisLockSettings settings) {
        RedisBackend backend;
        if (settings.clusterClient().isPresent()) {
            backend = new RedisBackend(settings, null, settings.clusterClient().get(), false);
        } else if (!settings.clusterUris().isEmpty()) {
            List<RedisURI> seeds = settings.clusterUris().stream()
                    .map(u -> withTimeout(u, settings.timeout())).toList();
            RedisClusterClient cc = settings.clientResources()
                    .map(r -> RedisClusterClient.create(r, seeds))
                    .orElseGet(() -> RedisClusterClient.create(seeds));
            cc.setOptions(withoutGivenUpReplays(ClusterClientOptions.builder())
                    .socketOptions(socketOptions(settings))
                    .timeoutOptions(COMMAND_TIMEOUTS_BY_CALLER)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .topologyRefreshOptions(topologyRefresh())
                    .build());
            backend = new RedisBackend(settings, null, cc, true);
        } else if (settings.client().isPresent()) {
            backend = new RedisBackend(settings, settings.client().get(), null, false);
        } else {
            RedisURI uri = withTimeout(settings.uri().orElseThrow(), settings.timeout());
            RedisClient c = settings.clientResources().map(r -> RedisClient.create(r, uri))
                    .orElseGet(() -> RedisClient.create(uri));
            c.setOptions(withoutGivenUpReplays(ClientOptions.builder())
                    .socketOptions(socketOptions(settings))
                    .timeoutOptions(COMMAND_TIMEOUTS_BY_CALLER)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            backend = new RedisBackend(settings, c, null, true);
        }
        try {
            backend.validate();
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        return backend;
    }

    /**
     * Topology refresh for Cluster clients holdfast creates: every adaptive trigger (MOVED, ASK,
     * unknown node, uncovered slot, and a node still unreachable after the second reconnect
     * attempt), rate-limited to one refresh per {@value #ADAPTIVE_REFRESH_MILLIS}ms instead of
     * Lettuce's 5s, so that after a primary fails over the promoted replica is found within about
     * a second of its promotion rather than up to 5s later (a refresh made while the old primary
     * was still listed would otherwise hold back the next one); plus a periodic refresh every 30s.
     */
    static ClusterTopologyRefreshOptions topologyRefresh() {
        return ClusterTopologyRefreshOptions.builder()
                .enableAllAdaptiveRefreshTriggers()
                .adaptiveRefreshTriggersTimeout(Duration.ofMillis(ADAPTIVE_REFRESH_MILLIS))
                .refreshTriggersReconnectAttempts(2)
                .enablePeriodicRefresh(Duration.ofSeconds(30))
                .build();
    }

    /**
     * Keeps Lettuce from replaying, after a reconnect, a command its caller already gave up on
     * (timed out or cancelled): a late acquire would take a lock nobody holds until its lease
     * ends. Replaying the rest is safe: every script is idempotent for the same owner.
     */
    static boolean gaveUp(RedisCommand<?, ?, ?> command) {
        return command.isDone() || command.isCancelled();
    }

    /**
     * {@code builder} with {@link #gaveUp} as its replay filter where Lettuce has one
     * ({@code ClientOptions.Builder.replayFilter}, Lettuce 6.6 and later), found reflectively so
     * that lock-redis also runs on Lettuce 6.5. There the same rule holds without it: Lettuce
     * never writes a command that is already done (its {@code CommandHandler} skips it, and a
     * reconnect drains only commands not done), and {@link CommandRunner} cancels every command
     * whose caller gave up, which completes it.
     */
    static <B extends ClientOptions.Builder> B withoutGivenUpReplays(B builder) {
        if (REPLAY_FILTER != null) {
            try {
                REPLAY_FILTER.invoke(builder, (Predicate<RedisCommand<?, ?, ?>>) RedisBackend::gaveUp);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot set Lettuce's replay filter", e);
            }
        }
        return builder;
    }

    /** True when this Lettuce has {@code ClientOptions.Builder.replayFilter} (6.6 and later). */
    static boolean hasReplayFilter() {
        return REPLAY_FILTER != null;
    }

    private static Method replayFilterMethod() {
        try {
            return ClientOptions.Builder.class.getMethod("replayFilter", Predicate.class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static SocketOptions socketOptions(RedisLockSettings settings) {
        return SocketOptions.builder().connectTimeout(settings.timeout()).keepAlive(true).build();
    }

    /** A copy of {@code uri} whose connect handshake times out after {@code timeout}. */
    private static RedisURI withTimeout(RedisURI uri, Duration timeout) {
        List<RedisURI> sentinels = uri.getSentinels();
        if (sentinels.isEmpty()) {
            return RedisURI.builder(uri).withTimeout(timeout).build();
        }
        // RedisURI.builder(uri) cannot copy a Sentinel URI: rebuild it field by field
        RedisURI first = sentinels.get(0);
        RedisURI.Builder b = RedisURI.Builder.sentinel(first.getHost(), first.getPort(),
                uri.getSentinelMasterId());
        sentinels.stream().skip(1).forEach(b::withSentinel);
        b.withDatabase(uri.getDatabase()).withSsl(uri).withAuthentication(uri).withTimeout(timeout);
        if (uri.getClientName() != null) {
            b.withClientName(uri.getClientName());
        }
        RedisURI copy = b.build();
        copy.getSentinels().get(0).applyAuthentication(first);
        return copy;
    }

    private void validate() {
        long timeoutNanos = settings.timeout().toNanos();
        try {
            commands.ping().toCompletableFuture().get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockUnavailableException("interrupted while connecting to " + endpoint, e);
        } catch (Exception e) {
            throw Failures.unavailable("connecting", endpoint, e, 1);
        }
        preloadScripts(timeoutNanos);
        probePermissions(timeoutNanos);
        checkEvictionPolicy();
        if (settings.cacheMisses() && clusterClient == null) { // Cluster: one connection per node
            misses = MissCache.track(connection, endpoint, timeoutNanos);
        }
    }

    /** The cache of zero-wait misses on the command connection, or null when off. */
    public MissCache misses() {
        return misses;
    }

    /**
     * Stops start-up when more replica acknowledgements are required than replicas are attached
     * now: every grant would wait for acknowledgements that cannot come and be undone, so every
     * acquire would time out as if the lock were contended. Not checked when the server refuses
     * {@code INFO} (an ACL user without it). Lock managers call this at start-up; flags wait for
     * no replica.
     *
     * @throws IllegalStateException naming the setting, the replicas attached and the fix
     */
    public void requireReplicas() {
        int required = settings.minReplicaAcks();
        if (required == 0) {
            return;
        }
        OptionalInt attached = replicasAttached();
        if (attached.isPresent() && attached.getAsInt() < required) {
            throw new IllegalStateException("replica acks " + required + " (LOCK_REPLICA_ACKS), but"
                    + " the Redis primary" + (isCluster() ? " with the fewest replicas" : "") + " at "
                    + endpoint + " has " + attached.getAsInt() + " replica(s) connected: every grant"
                    + " would wait " + settings.replicaAckTimeout().toMillis() + "ms for"
                    + " acknowledgements that cannot come and be undone, so every acquire would time"
                    + " out. Attach the replicas before starting, or lower the replica acks to at most "
                    + attached.getAsInt() + " (0 turns acknowledgements off)");
        }
    }

    /**
     * The replicas connected to the primary ({@code connected_slaves} of {@code INFO
     * replication}); in a Cluster, the fewest of any primary. Empty when it cannot be read.
     */
    public OptionalInt replicasAttached() {
        try {
            if (isCluster()) {
                Partitions partitions =
                        ((StatefulRedisClusterConnection<String, String>) connection).getPartitions();
                int fewest = Integer.MAX_VALUE;
                for (RedisClusterNode primary : partitions) {
                    if (primary.getRole().isUpstream() && !primary.getSlots().isEmpty()) {
                        int n = 0;
                        for (RedisClusterNode node : partitions) {
                            if (primary.getNodeId().equals(node.getSlaveOf())) {
                                n++;
                            }
                        }
                        fewest = Math.min(fewest, n);
                    }
                }
                return fewest == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(fewest);
            }
            String info = commands.info("replication").toCompletableFuture()
                    .get(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("connected_slaves:")) {
                    return OptionalInt.of(Integer.parseInt(line.substring(17).trim()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("cannot read the replicas attached at {}: {}", endpoint, Failures.explain(e));
        }
        return OptionalInt.empty();
    }

    /**
     * Loads the scripts so that the first EVALSHA hits. Fails on NOPERM (the user may not run
     * scripts); other failures are left to EVAL's fallback.
     */
    private void preloadScripts(long timeoutNanos) {
        try {
            for (Script s : new Script[] {Script.ACQUIRE, Script.RELEASE, Script.RENEW,
                    Script.CLEAR}) {
                commands.scriptLoad(s.text()).toCompletableFuture()
                        .get(timeoutNanos, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (Failures.isPermissionDenied(e)) {
                throw Failures.unavailable("loading the lock scripts", endpoint, e, 1);
            }
            LOG.debug("cannot preload scripts at {} (EVAL will load them): {}", endpoint,
                    Failures.explain(e));
        }
    }

    /**
     * Runs the acquire and release scripts through every path (take, queue behind a holder, hand
     * over to the queued waiter, release) on the namespace's probe lock {@code <ns>:{~probe}} (no
     * resource name encodes to {@code ~probe}), so that an ACL user lacking the namespace's keys,
     * its grant channels or a command the scripts run is refused at start-up rather than in the
     * middle of a wait.
     */
    private void probeAcquire(KeyLayout.LockKeys keys, String owner, LockProtocol.Mode mode,
            boolean shared, long timeoutNanos) throws Exception {
        Script.ACQUIRE.<List<Object>>run(commands, ScriptOutputType.MULTI, keys.scriptKeys(),
                        LockProtocol.acquireArgs(owner, "1000", mode, "1000", shared))
                .toCompletableFuture().get(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void probeRelease(KeyLayout layout, KeyLayout.LockKeys keys, String owner,
            long timeoutNanos) throws Exception {
        Script.RELEASE.<Long>run(commands, ScriptOutputType.INTEGER, keys.scriptKeys(),
                        LockProtocol.releaseArgs(owner, true, layout.grantChannelPrefix(), "1000"))
                .toCompletableFuture().get(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void probePermissions(long timeoutNanos) {
        KeyLayout layout = new KeyLayout(settings.namespace());
        KeyLayout.LockKeys keys = layout.probe();
        Duration second = Duration.ofSeconds(1);
        String holder = OwnerValue.of(OwnerIds.random(), 0, 0, second, second).value();
        String waiter = OwnerValue.of(OwnerIds.random(), 0, 0, second, second).value();
        try {
            // exclusive: take, queue, hand over, release; then shared: a reader takes it, a
            // writer meets the readers, the reader releases
            probeAcquire(keys, holder, LockProtocol.Mode.TRY, false, timeoutNanos);
            probeAcquire(keys, waiter, LockProtocol.Mode.JOIN, false, timeoutNanos);
            probeRelease(layout, keys, holder, timeoutNanos);
            probeRelease(layout, keys, waiter, timeoutNanos);
            probeAcquire(keys, waiter, LockProtocol.Mode.TRY, true, timeoutNanos);
            probeAcquire(keys, holder, LockProtocol.Mode.TRY, false, timeoutNanos);
            probeRelease(layout, keys, waiter, timeoutNanos);
            probeRelease(layout, keys, holder, timeoutNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockUnavailableException("interrupted while connecting to " + endpoint, e);
        } catch (Exception e) {
            if (Failures.isPermissionDenied(e)) {
                throw Failures.unavailable("checking the ACL permissions on keys "
                        + settings.namespace() + ":* and channels " + layout.grantChannelPrefix()
                        + "*", endpoint, e, 1);
            }
            // anything else (e.g. a failover under way) is left to the retries of real commands
            LOG.debug("cannot probe permissions at {}: {}", endpoint, Failures.explain(e));
        }
    }

    private void checkEvictionPolicy() {
        try {
            Map<String, String> config = commands.configGet("maxmemory-policy")
                    .toCompletableFuture().get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            String policy = config.get("maxmemory-policy");
            if (policy != null && !"noeviction".equals(policy)
                    && EVICTION_WARNED.add(endpoint)) {
                LOG.warn("Redis at {} runs maxmemory-policy {}: under memory pressure it may evict"
                        + " lock keys and grant a held lock again; set maxmemory-policy noeviction",
                        endpoint, policy);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // managed services often forbid CONFIG; the check is advisory
            LOG.debug("cannot read maxmemory-policy at {}: {}", endpoint, Failures.explain(e));
        }
    }

    /** The endpoint, without credentials. */
    public String endpoint() {
        return endpoint;
    }

    /** The settings this backend was opened with. */
    public RedisLockSettings settings() {
        return settings;
    }

    /** True for Redis Cluster. */
    public boolean isCluster() {
        return clusterClient != null;
    }

    /** The shared command connection's async API. */
    public RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    /**
     * The connection to the primary serving {@code key}, for commands that must share a
     * connection with the key's write ({@code WAIT}); the shared connection outside Cluster.
     */
    public RedisClusterAsyncCommands<String, String> commandsForKey(String key) {
        if (!isCluster()) {
            return commands;
        }
        StatefulRedisClusterConnection<String, String> cc =
                (StatefulRedisClusterConnection<String, String>) connection;
        RedisClusterNode node = cc.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
        if (node == null) {
            return commands;
        }
        return cc.getConnection(node.getUri().getHost(), node.getUri().getPort()).async();
    }

    /**
     * Asks a Cluster client holdfast created to reload its topology now (at most once per
     * {@value #ADAPTIVE_REFRESH_MILLIS}ms), after a write to a key's primary failed: a renewal
     * retried soon after then reaches a promoted replica instead of the dead primary. Does
     * nothing outside Cluster or for a caller's client (whose topology options are the caller's).
     */
    public void refreshTopology() {
        long now = System.nanoTime();
        long last = lastTopologyRefresh.get();
        if (clusterClient == null || !ownsClient
                || now - last < TimeUnit.MILLISECONDS.toNanos(ADAPTIVE_REFRESH_MILLIS)
                || !lastTopologyRefresh.compareAndSet(last, now)) {
            return;
        }
        clusterClient.refreshPartitionsAsync().whenComplete((v, e) -> {
            if (e != null) {
                LOG.debug("topology refresh at {} failed: {}", endpoint, Failures.explain(e));
            }
        });
    }

    /**
     * The shared pub/sub connection: starts opening it, without waiting, if it is neither open
     * nor opening (again after a failed attempt). Lock managers call it at start-up, so that
     * their first wait finds it open: opening costs a cold JVM a few hundred milliseconds of CPU
     * (Lettuce builds the connection's command proxies).
     */
    public synchronized CompletableFuture<StatefulRedisPubSubConnection<String, String>> pubSub() {
        if (pubSub == null || pubSub.isCompletedExceptionally()) {
            CompletableFuture<StatefulRedisPubSubConnection<String, String>> opening;
            try {
                opening = connectPubSub();
            } catch (RuntimeException e) {
                opening = CompletableFuture.failedFuture(e);
            }
            pubSub = opening.handle((c, e) -> {
                if (e != null) {
                    throw Failures.unavailable("opening the pub/sub connection", endpoint,
                            Failures.unwrap(e), 1);
                }
                c.setTimeout(settings.timeout());
                return c;
            });
        }
        return pubSub;
    }

    /** Opens the pub/sub connection asynchronously where Lettuce can. */
    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
        if (clusterClient != null) {
            return clusterClient.connectPubSubAsync(ExactUtf8Codec.INSTANCE)
                    .thenApply(c -> (StatefulRedisPubSubConnection<String, String>) c);
        }
        RedisURI target = connectUri != null ? connectUri : ownedUri;
        if (target != null) {
            return client.connectPubSubAsync(ExactUtf8Codec.INSTANCE, target)
                    .toCompletableFuture();
        }
        // a caller's client with its own default URI: Lettuce connects to it only synchronously
        CompletableFuture<StatefulRedisPubSubConnection<String, String>> f =
                new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(client.connectPubSub(ExactUtf8Codec.INSTANCE));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, "holdfast-pubsub-connect");
        t.setDaemon(true);
        t.start();
        return f;
    }

    @Override
    public void close() {
        if (users.decrementAndGet() != 0) {
            return;
        }
        CompletableFuture<StatefulRedisPubSubConnection<String, String>> opening;
        synchronized (this) {
            opening = pubSub;
            pubSub = null;
        }
        if (opening != null) {
            // Waits here (bounded) for a connection still opening and closes it on this thread.
            // Never as a callback of the opening: that runs on Lettuce's event loop, where a
            // blocking close waits for the event loop itself, and the client's shutdown below
            // then waits for that event loop forever.
            try {
                closeQuietly(opening.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                LOG.debug("the pub/sub connection to {} was not open at close", endpoint, e);
            }
        }
        if (connection != null) {
            closeQuietly(connection);
        }
        shutdownOwned();
    }

    /**
     * Registers one more user of these connections, who must {@link #close()} them once.
     *
     * @throws IllegalStateException if the backend was already closed by its last user
     */
    public RedisBackend share() {
        int before = users.getAndUpdate(n -> n == 0 ? 0 : n + 1);
        if (before == 0) {
            throw new IllegalStateException("the Redis connections of " + endpoint
                    + " are closed: create the status manager from an open lock manager");
        }
        return this;
    }

    private void shutdownOwned() {
        if (ownsClient) {
            AbstractRedisClient c = clusterClient != null ? clusterClient : client;
            try {
                c.shutdown(Duration.ZERO, settings.timeout());
            } catch (RuntimeException e) {
                LOG.debug("shutting down the Redis client for {} failed", endpoint, e);
            }
        }
    }

    private void closeQuietly(StatefulConnection<?, ?> c) {
        try {
            c.close();
        } catch (RuntimeException e) {
            LOG.debug("closing a Redis connection to {} failed", endpoint, e);
        }
    }
}
