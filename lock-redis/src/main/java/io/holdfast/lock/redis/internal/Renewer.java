package io.holdfast.lock.redis.internal;

import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.internal.LockMetrics;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a manager's leases alive and notices when one can no longer be guaranteed. One scheduler
 * thread per manager: every renewal period ({@link LeaseTiming}: lease/3) it renews every held
 * lease with one script call per hash slot (one per tick outside Cluster), followed by
 * {@code WAIT} when replica acknowledgements are configured (a renewal too few replicas
 * acknowledged confirms nothing); every check period (claim/20: the claim lease a release hands a
 * waiter is the shortest lease a grant has) it checks validity, and marks lost any grant whose
 * lease was not confirmed before its validity ended (its lease or claim minus a safety margin,
 * measured on the monotonic clock from when the acquire or renewal was sent). The check period is
 * below the claim's safety margin, so a loss is reported before Redis can expire the key.
 *
 * <p>Its seams, for unit tests of the schedule: the renewal round trip ({@link RenewCall}), the
 * scheduler (whose ticks a test runs by hand) and the monotonic clock.
 */
public final class Renewer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Renewer.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** The renewal round trip: the renew script (and {@code WAIT}) for one slot's grants. */
    @FunctionalInterface
    interface RenewCall {
        /**
         * Sends the renewal of the grants named by {@code keys} and {@code args} (see
         * renew.lua); completes with one 1 (renewed) or 0 (no longer held) per grant, and the
         * replicas that acknowledged it.
         */
        CompletableFuture<Replicated<List<Object>>> renew(String[] keys, String[] args);
    }

    private final Supplier<List<RedisGrant>> grants;
    private final RenewCall call;
    private final Runnable refreshTopology;
    private final boolean cluster;
    private final int minReplicaAcks;
    private final long replicaAckTimeoutMillis;
    private final LeaseTiming timing;
    private final String leaseArg;
    private final LockMetrics metrics;
    private final Consumer<RedisGrant> abandon;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;
    private final boolean renew;
    private volatile String lastFailure = "renewals unanswered";

    /**
     * Starts the scheduler.
     *
     * @param grants the manager's active grants
     * @param renew whether to renew (false: only expire leases when their time is up)
     * @param abandon releases a lost grant's key if it is still ours, without waiting
     */
    public Renewer(Supplier<List<RedisGrant>> grants, RedisBackend backend, Duration lease,
            boolean renew, LockMetrics metrics, Consumer<RedisGrant> abandon) {
        this(grants, renewCall(backend), backend::refreshTopology, backend.isCluster(),
                backend.settings().minReplicaAcks(), backend.settings().replicaAckTimeout(),
                LeaseTiming.of(lease), renew, metrics, abandon, newScheduler(), System::nanoTime);
    }

    /** The renewer with its seams given: {@code scheduler} is shut down by {@link #close}. */
    Renewer(Supplier<List<RedisGrant>> grants, RenewCall call, Runnable refreshTopology,
            boolean cluster, int minReplicaAcks, Duration replicaAckTimeout, LeaseTiming timing,
            boolean renew, LockMetrics metrics, Consumer<RedisGrant> abandon,
            ScheduledExecutorService scheduler, LongSupplier clock) {
        this.grants = grants;
        this.call = call;
        this.refreshTopology = refreshTopology;
        this.cluster = cluster;
        this.minReplicaAcks = minReplicaAcks;
        this.replicaAckTimeoutMillis = replicaAckTimeout.toMillis();
        this.timing = timing;
        this.leaseArg = Long.toString(timing.lease().toMillis());
        this.metrics = metrics;
        this.abandon = abandon;
        this.renew = renew;
        this.scheduler = scheduler;
        this.clock = clock;
        long checkEvery = timing.checkPeriod().toNanos();
        scheduler.scheduleWithFixedDelay(this::checkValidity, checkEvery, checkEvery,
                TimeUnit.NANOSECONDS);
        if (renew) {
            long renewEvery = timing.renewalPeriod().toNanos();
            scheduler.scheduleWithFixedDelay(this::renewAll, renewEvery, renewEvery,
                    TimeUnit.NANOSECONDS);
        }
    }

    private static RenewCall renewCall(RedisBackend backend) {
        int acks = backend.settings().minReplicaAcks();
        long ackTimeoutMillis = backend.settings().replicaAckTimeout().toMillis();
        return (keys, args) -> Script.RENEW.runAndWait(
                acks == 0 ? backend.commands() : backend.commandsForKey(keys[0]),
                ScriptOutputType.MULTI, keys, args, acks, ackTimeoutMillis);
    }

    private static ScheduledExecutorService newScheduler() {
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "holdfast-redis-renewal-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return Executors.newSingleThreadScheduledExecutor(factory);
    }

    /** The validity end for a lease whose acquire or renewal was sent at {@code sentNanos}. */
    public long validUntil(long sentNanos) {
        return timing.validUntil(sentNanos);
    }

    /**
     * The validity end for a claim lease (a lock a release handed over) set after a request sent
     * at {@code sentNanos}.
     */
    public long claimValidUntil(long sentNanos) {
        return timing.claimValidUntil(sentNanos);
    }

    /**
     * Extends {@code grant}'s claim lease to the full lease a third of the way into the claim,
     * if it is still held then (renewal disabled or not: the holder chose that lease).
     */
    public void confirmSoon(RedisGrant grant) {
        try {
            scheduler.schedule(() -> {
                if (!grant.isReleasing() && !grant.isOver()) {
                    renew(List.of(grant));
                }
            }, timing.claimConfirmDelay().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("manager closed: the claim lease of {} is not extended", grant.resource());
        }
    }

    /** One renewal tick: every held lease, one call per hash slot. */
    void renewAll() {
        try {
            Map<Integer, List<RedisGrant>> groups = new HashMap<>();
            for (RedisGrant g : grants.get()) {
                if (!g.isReleasing()) {
                    int slot = cluster ? SlotHash.getSlot(g.keys().lock()) : 0;
                    groups.computeIfAbsent(slot, s -> new ArrayList<>()).add(g);
                }
            }
            groups.values().forEach(this::renew);
        } catch (RuntimeException e) {
            LOG.warn("lease renewal tick failed", e);
        }
    }

    private void renew(List<RedisGrant> group) {
        List<String> keyList = new ArrayList<>(group.size());
        String[] args = new String[2 * group.size() + 1];
        args[0] = leaseArg;
        for (int i = 0; i < group.size(); i++) {
            RedisGrant g = group.get(i);
            keyList.add(g.keys().lock());
            if (g.isSharedHold()) {
                keyList.add(g.keys().readers());
            }
            args[2 * i + 1] = g.isSharedHold() ? "s" : "x";
            args[2 * i + 2] = g.owner();
        }
        String[] keys = keyList.toArray(String[]::new);
        long sent = clock.getAsLong();
        CompletableFuture<Replicated<List<Object>>> renewal = call.renew(keys, args);
        renewal.orTimeout(timing.lease().toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((acked, failure) -> {
                    if (failure == null && acked.acks() < minReplicaAcks) {
                        failure = new IllegalStateException("renewal reached " + acked.acks()
                                + " of " + minReplicaAcks + " replicas within "
                                + replicaAckTimeoutMillis + "ms (replicaAcks)");
                    }
                    if (failure != null) {
                        renewal.cancel(false); // timed out: not to be replayed after a reconnect
                        lastFailure = "last renewal failed: " + Failures.explain(failure);
                        LOG.debug("renewal of {} leases failed: {}", group.size(), lastFailure);
                        group.forEach(g -> metrics.renewal(false));
                        retrySoon(group);
                        return;
                    }
                    List<Object> result = acked.value();
                    for (int i = 0; i < group.size(); i++) {
                        RedisGrant g = group.get(i);
                        if (g.isReleasing() || g.isOver()) {
                            continue;
                        }
                        if (((Number) result.get(i)).longValue() == 1) {
                            g.renewed(timing.validUntil(sent));
                            metrics.renewal(true);
                        } else {
                            metrics.renewal(false);
                            g.markLost(g.isSharedHold()
                                    ? "the shared holder's entry expired or was deleted before"
                                            + " renewal (no longer held in Redis)"
                                    : "the lock key expired or was taken over before renewal"
                                            + " (no longer owned in Redis)");
                        }
                    }
                });
    }

    /**
     * After a failed renewal: reloads a Cluster topology and renews {@code group} again in one
     * retry period (2 validity checks) rather than at the next tick, while a lease of it is still
     * valid then, so that after a failover a lease reaches the promoted replica before it runs out.
     */
    private void retrySoon(List<RedisGrant> group) {
        refreshTopology.run();
        long retryNanos = timing.renewalRetryDelay().toNanos();
        long at = clock.getAsLong() + retryNanos;
        List<RedisGrant> live = group.stream()
                .filter(g -> !g.isReleasing() && !g.isOver() && !g.expiredAt(at)).toList();
        if (live.isEmpty()) {
            return;
        }
        try {
            scheduler.schedule(() -> renew(live), retryNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("manager closed: no renewal retry");
        }
    }

    /** One validity check: marks lost (and abandons) every grant whose validity has ended. */
    void checkValidity() {
        try {
            long now = clock.getAsLong();
            for (RedisGrant g : grants.get()) {
                if (!g.isReleasing() && g.expiredAt(now) && g.markLost(lossReason(g))) {
                    abandon.accept(g);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("lease validity check failed", e);
        }
    }

    /** Why {@code g}'s validity ended: the figure named is the one it was held to. */
    private String lossReason(RedisGrant g) {
        Duration lease = timing.lease();
        if (g.isOnClaim()) {
            return "claim lease (handed over by a release) not confirmed by Redis within "
                    + Durations.format(timing.claim().minus(timing.claimMargin()))
                    + " of the claim's " + Durations.format(timing.claim()) + " ("
                    + lastFailure + ")";
        }
        return renew ? "lease not confirmed by Redis within " + Durations.format(
                lease.minus(timing.leaseMargin())) + " (" + lastFailure + ")"
                : "lease of " + Durations.format(lease) + " ended and renewal is disabled";
    }

    /** Whether the scheduler still runs (it stops at {@link #close}); for hygiene tests. */
    public boolean isRunning() {
        return !scheduler.isShutdown();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
