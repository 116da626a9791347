package io.holdfast.lock.redis;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.internal.LockMetrics;
import io.holdfast.lock.internal.Names;
import io.holdfast.lock.internal.OwnerIds;
import io.holdfast.lock.redis.internal.CommandRunner;
import io.holdfast.lock.redis.internal.FlagValue;
import io.holdfast.lock.redis.internal.InstanceRegistrar;
import io.holdfast.lock.redis.internal.KeyLayout;
import io.holdfast.lock.redis.internal.RedisBackend;
import io.holdfast.lock.redis.internal.Replicated;
import io.holdfast.lock.redis.internal.Script;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link StatusManager} on Redis: each flag is one key {@code <namespace>:flag:{<name>}} set
 * with {@code SET … PX ttl} ({@code NX} for {@link #setIfAbsent}); its value records the setting
 * manager's owner id, the set time, a write number and the name. {@link #clear} is owner-checked by a script,
 * {@link #forceClear} is a plain {@code DEL}, {@link #list} scans the namespace on every primary.
 * With replica acknowledgements ({@link RedisLockSettings.Builder#replicaAcks}), {@code set},
 * {@code setIfAbsent} and {@code clear} are followed by {@code WAIT} and fail with
 * {@link LockUnavailableException} when too few replicas acknowledged. Thread-safe.
 */
public final class RedisStatusManager implements StatusManager {

    private final RedisBackend backend;
    private final CommandRunner runner;
    private final KeyLayout layout;
    private final String ownerId;
    private final int minReplicaAcks;
    private final long replicaAckTimeoutMillis;
    /** Makes every value this manager writes unique, so a retried claim recognises itself. */
    private final AtomicLong writes = new AtomicLong();
    /** Tells operators which process this owner id is; null when the lock manager's does. */
    private final InstanceRegistrar registrar;
    private volatile boolean closed;

    /**
     * @param ownerId the owner id to write into flags
     * @param registrar this process's registration for operators, or null when the lock manager
     *     whose connections and owner id this manager shares keeps it
     */
    private RedisStatusManager(RedisBackend backend, String ownerId, InstanceRegistrar registrar) {
        this.backend = backend;
        this.ownerId = ownerId;
        RedisLockSettings s = backend.settings();
        this.runner = new CommandRunner(s, backend.endpoint(), retryCounter(s));
        this.layout = new KeyLayout(s.namespace());
        this.minReplicaAcks = s.minReplicaAcks();
        this.replicaAckTimeoutMillis = s.replicaAckTimeout().toMillis();
        this.registrar = registrar;
    }

    /** Counts only retries: the lock meters belong to the lock manager. */
    private static LockMetrics retryCounter(RedisLockSettings s) {
        if (s.meterRegistry().isEmpty()) {
            return LockMetrics.NOOP;
        }
        Counter retries = Counter.builder(LockMetricNames.RETRIES).tag(LockMetricNames.TAG_BACKEND, "redis")
                .register(s.meterRegistry().get());
        return new LockMetrics() {
            @Override
            public void retry() {
                retries.increment();
            }
        };
    }

    /**
     * Connects to Redis and returns a status manager; only the connection, namespace, timeout,
     * retry and metrics settings apply.
     *
     * @throws LockUnavailableException naming the endpoint and the reason when Redis cannot be used
     */
    public static RedisStatusManager create(RedisLockSettings settings) {
        Objects.requireNonNull(settings, "settings");
        RedisBackend backend = RedisBackend.open(settings);
        String ownerId = OwnerIds.random();
        try {
            return new RedisStatusManager(backend, ownerId, InstanceRegistrar.start(backend, ownerId, "flags"));
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    /**
     * A status manager on the lock manager's Redis client and connections, writing flags under
     * the same owner id as its locks (so operators see one instance holding both). Opens no
     * connection; the connections close when both managers are closed, in either order. This is
     * how {@link io.holdfast.lock.LockService} builds a Redis service.
     *
     * @throws IllegalStateException if the lock manager is closed
     */
    public static RedisStatusManager create(RedisLockManager locks) {
        Objects.requireNonNull(locks, "locks");
        return new RedisStatusManager(locks.shareBackend(), locks.sharedOwnerId(), null);
    }

    /** Shorthand for {@code create(RedisLockSettings.of(uri))}. */
    public static RedisStatusManager create(String uri) {
        return create(RedisLockSettings.of(uri));
    }

    /**
     * {@inheritDoc} With replica acknowledgements configured ({@code replicaAcks}), waits for them.
     *
     * @throws LockUnavailableException also when fewer replicas than required acknowledged the
     *     flag in time (it is set on the primary, but a failover may lose it)
     */
    @Override
    public void set(String flag, Duration ttl) {
        String key = key(flag);
        SetArgs args = SetArgs.Builder.px(ttlMillis(ttl));
        String value = value(flag);
        write("setting flag '" + flag + "'", key, c -> c.set(key, value, args));
    }

    /**
     * {@inheritDoc} With replica acknowledgements configured, waits for them.
     *
     * @throws LockUnavailableException also when fewer replicas than required acknowledged the
     *     claim in time
     */
    @Override
    public boolean setIfAbsent(String flag, Duration ttl) {
        String key = key(flag);
        String value = value(flag);
        SetArgs args = SetArgs.Builder.nx().px(ttlMillis(ttl));
        String reply = write("claiming flag '" + flag + "'", key, c -> c.set(key, value, args));
        if (reply != null) {
            return true;
        }
        // a retried SET NX finds our own first attempt: that is still our claim
        return value.equals(call("reading flag '" + flag + "'", () -> commands().get(key)));
    }

    /**
     * {@inheritDoc} With replica acknowledgements configured, waits for them.
     *
     * @throws LockUnavailableException also when fewer replicas than required acknowledged the
     *     clear in time
     */
    @Override
    public boolean clear(String flag) {
        String key = key(flag);
        String what = "clearing flag '" + flag + "'";
        String[] keys = {key};
        Long n = minReplicaAcks == 0
                ? call(what, () -> Script.CLEAR.run(commands(), ScriptOutputType.INTEGER, keys,
                        FlagValue.ownerPrefix(ownerId)))
                : acknowledged(what, call(what, () -> Script.CLEAR.<Long>runAndWait(
                        backend.commandsForKey(key), ScriptOutputType.INTEGER, keys,
                        new String[] {FlagValue.ownerPrefix(ownerId)}, minReplicaAcks, replicaAckTimeoutMillis)));
        return n != null && n > 0;
    }

    /** Runs the write {@code op} on {@code key}, followed by {@code WAIT} when acks are configured. */
    private <T> T write(String what, String key,
            Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> op) {
        if (minReplicaAcks == 0) {
            return call(what, () -> op.apply(commands()));
        }
        return acknowledged(what, call(what, () -> {
            RedisClusterAsyncCommands<String, String> c = backend.commandsForKey(key);
            return Replicated.after(op.apply(c), c, minReplicaAcks, replicaAckTimeoutMillis);
        }));
    }

    /** The reply of a write that enough replicas acknowledged. */
    private <T> T acknowledged(String what, Replicated<T> r) {
        if (r.acks() < minReplicaAcks) {
            throw new LockUnavailableException(what + " reached " + r.acks() + " of the "
                    + minReplicaAcks + " replicas required (replicaAcks) within "
                    + replicaAckTimeoutMillis + "ms at " + backend.endpoint() + ": the primary has"
                    + " it, but a failover now may lose it; check the replicas and their link, or"
                    + " lower replicaAcks");
        }
        return r.value();
    }

    @Override
    public boolean forceClear(String flag) {
        String key = key(flag);
        Long n = call("force-clearing flag '" + flag + "'", () -> commands().del(key));
        return n != null && n > 0;
    }

    @Override
    public boolean isSet(String flag) {
        String key = key(flag);
        Long n = call("reading flag '" + flag + "'", () -> commands().exists(key));
        return n != null && n > 0;
    }

    @Override
    public Optional<FlagInfo> get(String flag) {
        String key = key(flag);
        RedisClusterAsyncCommands<String, String> c = commands();
        Instant now = Instant.now();
        Stored stored = call("reading flag '" + flag + "'", () -> {
            CompletableFuture<String> value = c.get(key).toCompletableFuture();
            CompletableFuture<Long> ttl = c.pttl(key).toCompletableFuture();
            return value.thenCombine(ttl, Stored::new);
        });
        String value = stored.value();
        long ttl = stored.pttlMillis();
        if (value == null || ttl == -2) {
            return Optional.empty();
        }
        Optional<FlagValue> parsed = FlagValue.parse(value);
        String owner = parsed.map(FlagValue::ownerId).orElse("unknown");
        Instant setAt = parsed.map(FlagValue::setAt).orElse(Instant.EPOCH);
        Instant expiresAt = ttl > 0 ? now.plusMillis(ttl) : Instant.MAX;
        return Optional.of(new FlagInfo(flag, owner, setAt, expiresAt));
    }

    @Override
    public Set<String> list() {
        ensureOpen();
        RedisClusterAsyncCommands<String, String> c = commands();
        ScanArgs match = ScanArgs.Builder.matches(layout.flagPattern()).limit(500);
        List<String> keys = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            ScanCursor from = cursor;
            KeyScanCursor<String> page = runner.callUninterruptibly("listing flags",
                    () -> c.scan(from, match), System.nanoTime());
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        Set<String> names = new TreeSet<>();
        List<CompletableFuture<String>> values = new ArrayList<>();
        for (String k : keys) {
            values.add(c.get(k).toCompletableFuture());
        }
        call("listing flags", () -> CompletableFuture.allOf(values.toArray(CompletableFuture[]::new)));
        for (CompletableFuture<String> v : values) {
            String value = v.join();
            if (value != null) {
                FlagValue.parse(value).ifPresent(f -> names.add(f.flag()));
            }
        }
        return names;
    }

    @Override
    public String backend() {
        return "redis";
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (registrar != null) {
                registrar.close();
            }
            backend.close();
        }
    }

    private RedisClusterAsyncCommands<String, String> commands() {
        return backend.commands();
    }

    private String key(String flag) {
        ensureOpen();
        return layout.flag(Names.require("flag", flag));
    }

    private String value(String flag) {
        return FlagValue.of(ownerId, writes.incrementAndGet(), flag);
    }

    private static long ttlMillis(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be positive, but was "
                    + Durations.format(ttl));
        }
        return Math.max(1, (ttl.toNanos() + 999_999) / 1_000_000);
    }

    private <T> T call(String what, Supplier<? extends CompletionStage<T>> op) {
        return runner.callUninterruptibly(what, op, System.nanoTime());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("redis status manager is closed");
        }
    }

    /** A flag key's value and remaining time to live, read in one round trip. */
    private record Stored(String value, long pttlMillis) {}
}
