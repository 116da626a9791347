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
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a manager's leases alive and notices when one can no longer be guaranteed. One scheduler
 * thread per manager: every lease/3 it renews every held lease with one script call per hash
 * slot (one per tick outside Cluster), followed by {@code WAIT} when replica acknowledgements are
 * configured (a renewal too few replicas acknowledged confirms nothing); every claim/20 (the
 * claim lease a release hands a waiter is the shortest lease a grant has, see
 * {@link LockProtocol#claim}) it checks validity, and marks lost any grant whose lease was not
 * confirmed before its validity ended (its lease or claim minus a safety margin, measured on the
 * monotonic clock from when the acquire or renewal was sent). The check period is below the
 * claim's safety margin, so a loss is reported before Redis can expire the key.
 */
public final class Renewer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Renewer.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Supplier<List<RedisGrant>> grants;
    private final RedisBackend backend;
    private final boolean cluster;
    private final int minReplicaAcks;
    private final long replicaAckTimeoutMillis;
    private final long leaseNanos;
    private final long marginNanos;
    private final long claimNanos;
    private final long claimMarginNanos;
    private final String leaseArg;
    private final LockMetrics metrics;
    private final Consumer<RedisGrant> abandon;
    private final ScheduledExecutorService scheduler;
    private final boolean renew;
    /** Delay before a failed renewal is tried again. */
    private final long retryNanos;
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
        this.grants = grants;
        this.backend = backend;
        this.cluster = backend.isCluster();
        this.minReplicaAcks = backend.settings().minReplicaAcks();
        this.replicaAckTimeoutMillis = backend.settings().replicaAckTimeout().toMillis();
        this.leaseNanos = lease.toNanos();
        this.marginNanos = safetyMargin(lease).toNanos();
        Duration claim = LockProtocol.claim(lease);
        this.claimNanos = claim.toNanos();
        this.claimMarginNanos = safetyMargin(claim).toNanos();
        this.leaseArg = Long.toString(lease.toMillis());
        this.metrics = metrics;
        this.abandon = abandon;
        this.renew = renew;
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "holdfast-redis-renewal-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.scheduler = Executors.newSingleThreadScheduledExecutor(factory);
        long checkEvery = checkPeriod(lease).toNanos();
        this.retryNanos = 2 * checkEvery;
        scheduler.scheduleWithFixedDelay(this::checkValidity, checkEvery, checkEvery,
                TimeUnit.NANOSECONDS);
        if (renew) {
            long renewEvery = leaseNanos / 3;
            scheduler.scheduleWithFixedDelay(this::renewAll, renewEvery, renewEvery,
                    TimeUnit.NANOSECONDS);
        }
    }

    /**
     * How much earlier than the lease a holder stops trusting it: 1/10 of the lease plus 2ms,
     * for clock drift between this JVM and the server and for the loss check's own period.
     */
    public static Duration safetyMargin(Duration lease) {
        return lease.dividedBy(10).plusMillis(2);
    }

    /**
     * How often validity is checked: every claim/20 (at least 1ms), below the claim's safety
     * margin ({@link #safetyMargin} of the claim, claim/10 + 2ms), so that a lost claim is
     * reported before Redis expires it.
     */
    public static Duration checkPeriod(Duration lease) {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                LockProtocol.claim(lease).toNanos() / 20));
    }

    /** The validity end for a lease whose acquire or renewal was sent at {@code sentNanos}. */
    public long validUntil(long sentNanos) {
        return sentNanos + leaseNanos - marginNanos;
    }

    /**
     * The validity end for a claim lease (a lock a release handed over) set after a request sent
     * at {@code sentNanos}.
     */
    public long claimValidUntil(long sentNanos) {
        return sentNanos + claimNanos - claimMarginNanos;
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
            }, claimNanos / 3, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("manager closed: the claim lease of {} is not extended", grant.resource());
        }
    }

    private void renewAll() {
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
        long sent = System.nanoTime();
        CompletableFuture<Replicated<List<Object>>> renewal = Script.RENEW.runAndWait(
                minReplicaAcks == 0 ? backend.commands() : backend.commandsForKey(keys[0]),
                ScriptOutputType.MULTI, keys, args,
                minReplicaAcks, replicaAckTimeoutMillis);
        renewal.orTimeout(leaseNanos, TimeUnit.NANOSECONDS)
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
                            g.renewed(validUntil(sent));
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
        backend.refreshTopology();
        long at = System.nanoTime() + retryNanos;
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

    private void checkValidity() {
        try {
            long now = System.nanoTime();
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
        if (g.isOnClaim()) {
            return "claim lease (handed over by a release) not confirmed by Redis within "
                    + Durations.format(Duration.ofNanos(claimNanos - claimMarginNanos))
                    + " of the claim's " + Durations.format(Duration.ofNanos(claimNanos)) + " ("
                    + lastFailure + ")";
        }
        return renew ? "lease not confirmed by Redis within " + Durations.format(Duration.ofNanos(
                leaseNanos - marginNanos)) + " (" + lastFailure + ")"
                : "lease of " + Durations.format(Duration.ofNanos(leaseNanos))
                        + " ended and renewal is disabled";
    }

    /** Number of threads this renewer runs (always one); for hygiene tests. */
    public boolean isRunning() {
        return !scheduler.isShutdown();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
