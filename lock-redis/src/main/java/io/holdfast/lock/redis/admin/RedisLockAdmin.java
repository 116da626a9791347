package io.holdfast.lock.redis.admin;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.internal.Names;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.internal.Failures;
import io.holdfast.lock.redis.internal.FlagValue;
import io.holdfast.lock.redis.internal.KeyLayout;
import io.holdfast.lock.redis.internal.LeaseTiming;
import io.holdfast.lock.redis.internal.LockProtocol;
import io.holdfast.lock.redis.internal.OwnerValue;
import io.holdfast.lock.redis.internal.Script;
import io.holdfast.lock.spi.AuditRecord;
import io.holdfast.lock.spi.InstanceInfo;
import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockState;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The operator's view of one Redis namespace (see {@link LockAdmin}): held locks with their
 * holders, tokens, leases and live queues; the instances registered by running managers; flags;
 * a forced release that advances the fence and hands the lock on as a release does; the audit
 * stream {@code <ns>:audit}. Connects on first use, with the same start-up checks as a manager.
 *
 * <p>Beyond what a manager needs, the ACL user runs {@code ZRANGE}, {@code HGETALL},
 * {@code XADD} and {@code XREVRANGE} on {@code <ns>:*}, and optionally {@code INFO} and
 * {@code CONFIG GET} for {@code check --connect}. Thread-safe.
 */
public final class RedisLockAdmin implements LockAdmin {

    /** Flag value fields: owner id, set time (epoch ms), write number, name (see RedisStatusManager). */
    private static final String FORCE_RELEASE = read(Script.class, "tokens-and-queue.lua")
            + read(RedisLockAdmin.class, "force-release.lua");

    private final RedisLockSettings settings;
    private final Keys keys;
    private final RedisReads reads;
    private final LockReader locks;
    private final InstanceReader instances;
    private final AuditStream audit;

    private RedisLockAdmin(RedisLockSettings settings) {
        this.settings = settings;
        this.keys = new Keys(settings.namespace());
        this.reads = new RedisReads(settings);
        this.locks = new LockReader(reads, keys);
        this.instances = new InstanceReader(reads, settings.namespace());
        this.audit = new AuditStream(reads, settings.namespace());
    }

    /** An admin of the namespace and Redis of {@code settings}; it connects on first use. */
    public static RedisLockAdmin create(RedisLockSettings settings) {
        return new RedisLockAdmin(Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public String backend() {
        return "redis";
    }

    @Override
    public String location() {
        return settings.endpoint() + ", namespace " + settings.namespace();
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("REDIS_URL", settings.endpoint());
        m.put("LOCK_NAMESPACE", settings.namespace());
        m.put("LOCK_LEASE", Durations.format(settings.lease()));
        m.put("renewal", settings.renewal()
                ? "every " + Durations.format(LeaseTiming.of(settings.lease()).renewalPeriod()) : "off");
        m.put("LOCK_REPLICA_ACKS", Integer.toString(settings.minReplicaAcks()));
        m.put("LOCK_REPLICA_TIMEOUT", Durations.format(settings.replicaAckTimeout()));
        m.put("wait strategy", settings.waitStrategy().toString());
        m.put("queue refresh", Durations.format(LeaseTiming.of(settings.lease()).queueRefresh()));
        m.put("claim lease", Durations.format(LeaseTiming.of(settings.lease()).claim()));
        m.put("local handoffs", Integer.toString(settings.localHandoffs()));
        m.put("command timeout", Durations.format(settings.timeout()));
        m.put("retries", settings.retryAttempts() + " attempts, backoff "
                + Durations.format(settings.retryInitialBackoff()) + " to "
                + Durations.format(settings.retryMaxBackoff()));
        m.put("audit stream", audit.key() + " (last ~" + AuditStream.MAX_RECORDS + " records)");
        return m;
    }

    @Override
    public List<Finding> probe() {
        return new ServerProbe(reads, settings).run();
    }

    @Override
    public List<LockState> locks(Predicate<String> names) {
        return locks.locks(names, instances.byOwner());
    }

    @Override
    public Optional<LockState> inspect(String name) {
        return locks.inspect(name, instances.byOwner());
    }

    @Override
    public List<InstanceInfo> instances() {
        return List.copyOf(instances.byOwner().values());
    }

    @Override
    public List<FlagInfo> flags() {
        List<String> found = reads.scan("listing flags", keys.layout().flagPattern());
        List<FlagInfo> out = new ArrayList<>();
        for (int i = 0; i < found.size(); i += RedisReads.BATCH) {
            out.addAll(readFlags(found.subList(i, Math.min(found.size(), i + RedisReads.BATCH))));
        }
        out.sort(Comparator.comparing(FlagInfo::name));
        return out;
    }

    @Override
    public Optional<FlagInfo> flag(String name) {
        return readFlags(List.of(keys.layout().flag(Names.require("flag", name)))).stream().findFirst();
    }

    private List<FlagInfo> readFlags(List<String> flagKeys) {
        RedisClusterAsyncCommands<String, String> c = reads.commands();
        return reads.call("reading " + flagKeys.size() + " flag(s)", () -> {
            Instant now = Instant.now();
            List<CompletableFuture<FlagInfo>> infos = new ArrayList<>();
            for (String key : flagKeys) {
                CompletableFuture<String> value = c.get(key).toCompletableFuture();
                CompletableFuture<Long> ttl = c.pttl(key).toCompletableFuture();
                infos.add(value.thenCombine(ttl, (v, t) -> flagInfo(v, t, now)));
            }
            return RedisReads.all(infos).thenApply(v -> infos.stream().map(CompletableFuture::join)
                    .filter(Objects::nonNull).toList());
        });
    }

    private static FlagInfo flagInfo(String value, long pttl, Instant now) {
        if (value == null || pttl == -2) {
            return null;
        }
        return FlagValue.parse(value).map(f -> new FlagInfo(f.flag(), f.ownerId(), f.setAt(),
                pttl > 0 ? now.plusMillis(pttl) : Instant.MAX)).orElse(null);
    }

    @Override
    public void setFlag(String name, Duration ttl, Operator operator, String reason) {
        String key = keys.layout().flag(Names.require("flag", name));
        long millis = Durations.requireAtLeast("ttl", ttl, Duration.ofMillis(1)).toMillis();
        String value = FlagValue.of(operator.ownerId(), 0, name);
        String previous = reads.call("setting flag '" + name + "'",
                () -> reads.commands().setGet(key, value, SetArgs.Builder.px(millis)));
        String replaced = previous == null ? "" : "replaced " + FlagValue.ownerOf(previous);
        audit.append(new AuditRecord(Instant.now(), AuditRecord.FLAG_SET, name, operator.toString(),
                reason, replaced, 0, 0));
    }

    @Override
    public FlagClear clearFlag(String name, Operator operator, boolean force, String reason) {
        String key = keys.layout().flag(Names.require("flag", name));
        String value = reads.call("reading flag '" + name + "'", () -> reads.commands().get(key));
        if (value == null) {
            return FlagClear.NOT_SET;
        }
        String owner = FlagValue.ownerOf(value);
        if (!force && !owner.equals(operator.ownerId())) {
            return FlagClear.OTHER_OWNER;
        }
        // owner-checked against what was read, so a flag re-claimed meanwhile is left alone
        Long n = reads.call("clearing flag '" + name + "'", () -> Script.CLEAR.<Long>run(
                reads.commands(), ScriptOutputType.INTEGER, new String[] {key}, FlagValue.ownerPrefix(owner)));
        if (n == null || n == 0) {
            return flag(name).isPresent() ? FlagClear.OTHER_OWNER : FlagClear.NOT_SET;
        }
        audit.append(new AuditRecord(Instant.now(), AuditRecord.FLAG_CLEAR, name,
                operator.toString(), reason, owner, 0, 0));
        return FlagClear.CLEARED;
    }

    @Override
    public Eviction forceRelease(LockState seen, Operator operator, String reason) {
        KeyLayout.LockKeys k = keys.lock(seen.name());
        String[] argv = {seen.stored(), Integer.toString(LockProtocol.TOKENS_PER_GRANT),
                keys.layout().grantChannelPrefix(),
                Long.toString(LeaseTiming.of(settings.lease()).claim().toMillis())};
        List<Object> r = reads.call("force-releasing lock key " + k.lock(), () -> reads.commands()
                .<List<Object>>eval(FORCE_RELEASE, ScriptOutputType.MULTI, k.scriptKeys(), argv));
        long code = (Long) r.get(0);
        if (code == 0) {
            return Eviction.refused(Eviction.Outcome.NOT_HELD, "lock '" + seen.name()
                    + "' is not held any more; nothing was done");
        }
        if (code < 0) {
            return Eviction.refused(Eviction.Outcome.HOLDER_CHANGED, "lock '" + seen.name()
                    + "' changed hands since it was inspected (now "
                    + OwnerValue.lenient((String) r.get(1)).ownerId() + "); nothing was done: inspect"
                    + " it again");
        }
        long next = Long.parseLong((String) r.get(3));
        String newOwner = code == 2 ? OwnerValue.lenient((String) r.get(4)).ownerId() : "";
        String evicted = seen.holderName() + " owner " + seen.ownerId();
        Optional<String> auditFailure = Optional.empty();
        try {
            audit.append(new AuditRecord(Instant.now(), AuditRecord.RELEASE, seen.name(),
                    operator.toString(), reason, evicted, seen.token(), next));
        } catch (RuntimeException e) {
            auditFailure = Optional.of(Failures.explain(e));
        }
        return new Eviction(code == 2 ? Eviction.Outcome.HANDED_TO_WAITER : Eviction.Outcome.RELEASED,
                evicted, seen.token(), next, newOwner, "the evicted holder reports the lease lost at"
                        + " its next renewal (within " + Durations.format(LeaseTiming.of(settings.lease()).renewalPeriod())
                        + " if it runs with LOCK_LEASE=" + Durations.format(settings.lease())
                        + "); writes fenced with token " + seen.token() + " or the following "
                        + (LockProtocol.TOKENS_PER_GRANT - 1) + " are older than token " + next,
                auditFailure);
    }

    @Override
    public List<AuditRecord> audit(int limit) {
        return audit.latest(limit);
    }

    @Override
    public void close() {
        reads.close();
    }

    @Override
    public String toString() {
        return "RedisLockAdmin[" + location() + "]";
    }

    private static String read(Class<?> anchor, String file) {
        try (InputStream in = anchor.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("script " + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + file, e);
        }
    }
}
