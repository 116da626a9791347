package io.holdfast.lock.redis.internal;

import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.redis.RedisLockSettings;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock's Redis round trips: acquire (one script, which also queues a waiter), release (one
 * script, which hands the lock to the oldest live waiter), abandon and inspect. Every write is
 * idempotent for the same owner value, so a retry or Lettuce's replay of a queued command after a
 * reconnect cannot grant twice or delete another owner's lock.
 */
public final class LockProtocol {

    private static final Logger LOG = LoggerFactory.getLogger(LockProtocol.class);

    /**
     * Tokens every Redis grant takes: its own and {@link RedisLockSettings#MAX_LOCAL_HANDOFFS}
     * for the threads of its process it may be handed on to. The same for every manager, so the
     * fence key (the last token reserved) tells any manager the holder's Redis grant token.
     */
    public static final int TOKENS_PER_GRANT = 1 + RedisLockSettings.MAX_LOCAL_HANDOFFS;
    private static final String RESERVE_ARG = Integer.toString(TOKENS_PER_GRANT);
    /** The lock key's value while shared holders hold it (SHARED in tokens-and-queue.lua). */
    public static final String SHARED_VALUE = "~shared";

    /** What an acquire does when the lock is busy. */
    public enum Mode {
        /** Only try: never queue. */
        TRY("try"),
        /** A waiter's first attempt: join the queue. */
        JOIN("join"),
        /** A queued waiter's refresh: keep the place, take the lock if it was granted. */
        QUEUED("queued"),
        /** A queued waiter giving up: take the lock if it was granted, else leave the queue. */
        LEAVE("leave");

        private final String arg;

        Mode(String arg) {
            this.arg = arg;
        }
    }

    private final RedisBackend backend;
    private final CommandRunner runner;
    private final String channelPrefix;
    private final String leaseArg;
    private final String entryArg;
    private final String claimArg;
    private final long leaseMillis;
    private final long claimMillis;
    private final long leaseNanos;
    private final LeaseTiming timing;
    /** Numbers this manager's acquire attempts, so that every owner value is unique. */
    private final AtomicLong attempts = new AtomicLong();
    private final int minReplicaAcks;
    private final long replicaAckTimeoutMillis;
    private final boolean cluster;
    private final long timeoutNanos;
    private final PendingReleases pending = new PendingReleases();
    /** Zero-wait exclusive misses answered locally, or null when off. */
    private final MissCache misses;

    /** The protocol over {@code backend}, retrying with {@code runner}. */
    public LockProtocol(RedisBackend backend, CommandRunner runner, KeyLayout layout) {
        RedisLockSettings s = backend.settings();
        this.backend = backend;
        this.runner = runner;
        this.channelPrefix = layout.grantChannelPrefix();
        this.timing = LeaseTiming.of(s.lease());
        this.leaseArg = Long.toString(s.lease().toMillis());
        this.entryArg = Long.toString(timing.queueEntryLifetime().toMillis());
        this.claimArg = Long.toString(timing.claim().toMillis());
        this.leaseMillis = s.lease().toMillis();
        this.claimMillis = timing.claim().toMillis();
        this.leaseNanos = s.lease().toNanos();
        this.minReplicaAcks = s.minReplicaAcks();
        this.replicaAckTimeoutMillis = s.replicaAckTimeout().toMillis();
        this.cluster = backend.isCluster();
        this.timeoutNanos = s.timeout().toNanos();
        this.misses = backend.misses();
    }

    /** The durations derived from this manager's lease. */
    public LeaseTiming timing() {
        return timing;
    }

    /**
     * A new owner value for one acquire attempt by {@code thread} of manager {@code ownerId}
     * (see {@link OwnerValue}): unique per attempt, naming this manager's claim lease and lease.
     */
    public String newOwner(String ownerId, long thread) {
        return OwnerValue.text(ownerId, thread, System.currentTimeMillis(),
                attempts.incrementAndGet(), claimMillis, leaseMillis);
    }

    /**
     * The outcome of one acquire round trip.
     *
     * @param token the fencing token when granted, else 0
     * @param busyMillis the holder's remaining lease when busy, else 0
     * @param fence when busy, the last token reserved when the script ran: a grant message with
     *     a greater token was sent after this attempt ran, one with a smaller token before
     * @param queued when busy, whether the owner is in the lock's queue now
     * @param replicaAcks replicas that acknowledged (only when acks are required)
     * @param undone true when the lock was granted but given back for lack of acknowledgements
     */
    public record Attempt(long token, long busyMillis, long fence, boolean queued,
            long replicaAcks, boolean undone) {

        /** The outcome of one acquire script reply {@code r} (see acquire.lua). */
        static Attempt of(List<Object> r, long replicaAcks) {
            long first = ((Number) r.get(0)).longValue();
            if (first > 0) {
                return new Attempt(first, 0, 0, false, replicaAcks, false);
            }
            return new Attempt(0, -first, ((Number) r.get(1)).longValue(),
                    ((Number) r.get(2)).longValue() == 1, replicaAcks, false);
        }

        /** A miss answered by the {@link MissCache}, without a command. */
        static Attempt cachedMiss(long busyMillis, long fence) {
            return new Attempt(0, busyMillis, fence, false, 0, false);
        }

        /** This attempt's grant given back for lack of replica acknowledgements. */
        Attempt undo() {
            return new Attempt(0, 0, 0, false, replicaAcks, true);
        }

        /** True when the lock was taken. */
        public boolean granted() {
            return token > 0;
        }
    }

    /**
     * Tries once (with retries on transient errors) to take the lock for {@code owner}. When
     * replica acknowledgements are required, {@code WAIT} follows the command that wrote on the
     * same connection (see {@link Script#runAndWait}) and a grant with too few acks is undone
     * before returning. A zero-wait exclusive attempt ({@link Mode#TRY}) of a lock the
     * {@link MissCache} knows busy is answered without a command, and its miss is remembered
     * there when sound.
     *
     * @param mode what to do with the queue when the lock is busy
     * @param shared true for a shared grant (many holders), false for an exclusive one
     * @throws LockUnavailableException if Redis could not be reached in time
     */
    public Attempt acquire(KeyLayout.LockKeys keys, String owner, Mode mode, boolean shared,
            long deadlineNanos) throws InterruptedException {
        MissCache.Ticket ticket = null;
        if (misses != null && mode == Mode.TRY && !shared) {
            long busy = misses.busyMillis(keys.lock());
            if (busy > 0) {
                return Attempt.cachedMiss(busy, misses.fence(keys.lock()));
            }
            ticket = misses.beforeSend(keys.lock());
        }
        PendingReleases.Sent before = pending.pending(keys.lock());
        if (before != null && cluster) {
            // a MOVED/ASK redirect of the release could let this attempt reach the key first
            before.await(timeoutNanos);
            before = null;
        }
        Attempt a = attempt(keys, owner, mode, shared, deadlineNanos);
        if (before != null && !a.granted() && (mode == Mode.TRY || mode == Mode.LEAVE)) {
            // a release resent after NOSCRIPT ran after this attempt: try once more behind it
            before.await(timeoutNanos);
            if (before.resent()) {
                a = attempt(keys, owner, mode, shared, deadlineNanos);
            }
        }
        if (ticket != null && !a.granted() && !a.undone()) {
            misses.remember(ticket, a.busyMillis(), a.fence());
        }
        return a;
    }

    private Attempt attempt(KeyLayout.LockKeys keys, String owner, Mode mode, boolean shared,
            long deadlineNanos) throws InterruptedException {
        String[] keyArgs = keys.scriptKeys();
        String[] argv = acquireArgs(owner, leaseArg, mode, entryArg, shared, channelPrefix, claimArg);
        if (minReplicaAcks == 0) {
            List<Object> r = runner.<List<Object>>call("acquiring lock key " + keys.lock(),
                    () -> Script.ACQUIRE.run(backend.commands(), ScriptOutputType.MULTI, keyArgs,
                            argv), deadlineNanos);
            return Attempt.of(r, 0);
        }
        Attempt a = runner.call("acquiring lock key " + keys.lock() + " with replica acks", () -> {
            CompletableFuture<Replicated<List<Object>>> sent = Script.ACQUIRE.runAndWait(
                    backend.commandsForKey(keys.lock()), ScriptOutputType.MULTI, keyArgs, argv,
                    minReplicaAcks, replicaAckTimeoutMillis);
            return CommandFuture.of(sent.thenApply(r -> Attempt.of(r.value(), r.acks())), sent);
        }, deadlineNanos);
        if (a.granted() && a.replicaAcks() < minReplicaAcks) {
            LOG.debug("lock key {} reached {} of {} replicas in {}ms; undoing the grant",
                    keys.lock(), a.replicaAcks(), minReplicaAcks, replicaAckTimeoutMillis);
            release(keys, owner, System.nanoTime() + leaseNanos);
            return a.undo();
        }
        return a;
    }

    /** The replicas required per acquire. */
    public int minReplicaAcks() {
        return minReplicaAcks;
    }

    /**
     * Deletes the lock (or {@code owner}'s shared hold) if {@code owner} still holds it, and
     * hands a lock left free to the oldest live waiter (or the run of shared waiters at the head).
     * Retries transient errors until {@code deadlineNanos} (at least one full attempt); never
     * interrupted.
     *
     * @return what the release found
     * @throws LockUnavailableException if Redis could not be reached in time
     */
    public Release release(KeyLayout.LockKeys keys, String owner, long deadlineNanos) {
        Long r = runner.callUninterruptibly("releasing lock key " + keys.lock(), () -> releaseAsync(
                keys, owner, false, null), deadlineNanos);
        return Release.of(r);
    }

    /**
     * Sends {@code owner}'s release (as {@link #release}) without waiting for its reply. It is
     * written at once on the shared command connection, so every command this manager sends
     * afterwards, from any thread, reaches Redis behind it; {@link #acquire} repairs the two cases
     * where that order can break (see {@link PendingReleases}). Not retried: a release that fails
     * leaves the lock to expire with its lease, as a waiting release that ran out of retries does.
     *
     * @param outcome runs once, on Lettuce's event loop (so it must be quick and must not block),
     *     with what the release found, or with its failure
     */
    public void releaseWithoutWaiting(KeyLayout.LockKeys keys, String owner,
            BiConsumer<Release, Throwable> outcome) {
        send(keys, owner, false, outcome);
    }

    private void send(KeyLayout.LockKeys keys, String owner, boolean leaveQueue,
            BiConsumer<Release, Throwable> outcome) {
        String key = keys.lock();
        PendingReleases.Sent s = pending.start(key);
        CompletableFuture<Long> reply;
        try {
            reply = releaseAsync(keys, owner, leaveQueue, s::markResent);
        } catch (RuntimeException e) {
            pending.ended(key, s);
            outcome.accept(null, Failures.unwrap(e));
            return;
        }
        reply.whenComplete((r, e) -> {
            pending.ended(key, s);
            if (e == null) {
                outcome.accept(Release.of(r), null);
            } else {
                outcome.accept(null, Failures.unwrap(e));
            }
        });
    }

    /**
     * Waits up to {@code nanos} in all for the releases sent without waiting.
     *
     * @return how many had no reply yet when the time ran out
     */
    public int flushReleases(long nanos) {
        return pending.flush(nanos);
    }

    /** What a release found. */
    public enum Release {
        /** The lock had expired or belonged to another owner: nothing was touched. */
        NOT_OURS,
        /** Released; nobody was waiting. */
        RELEASED,
        /** Released and handed to the oldest live waiter (possibly in another process). */
        RELEASED_TO_WAITERS;

        /** What release.lua's reply {@code r} means. */
        static Release of(Long r) {
            return r == null || r == 0 ? NOT_OURS : r == 1 ? RELEASED : RELEASED_TO_WAITERS;
        }
    }

    /**
     * Sends an owner-checked release without waiting, which also takes {@code owner} out of the
     * lock's queue: after an acquire whose outcome is unknown (timeout, interrupt), or for a lost
     * lease that may still be ours, so the key does not block others until its lease ends.
     * Queued behind the acquire on the same connection.
     */
    public void abandon(KeyLayout.LockKeys keys, String owner) {
        send(keys, owner, true, (r, e) -> {
            if (e != null) {
                LOG.debug("abandoning lock key {} failed (its lease will expire): {}",
                        keys.lock(), Failures.explain(e));
            }
        });
    }

    private CompletableFuture<Long> releaseAsync(KeyLayout.LockKeys keys, String owner,
            boolean leaveQueue, Runnable beforeResend) {
        if (misses != null) {
            misses.forget(keys.lock());
        }
        return Script.RELEASE.runNotingResend(backend.commands(), ScriptOutputType.INTEGER,
                keys.scriptKeys(), releaseArgs(owner, leaveQueue, channelPrefix, claimArg),
                beforeResend);
    }

    /**
     * The acquire script's ARGV, in the order acquire.lua reads them, without the grant channel:
     * a waiter leaving then hands nothing on (the start-up probe).
     */
    static String[] acquireArgs(String owner, String leaseMillis, Mode mode, String entryMillis,
            boolean shared) {
        return new String[] {owner, leaseMillis, mode.arg, RESERVE_ARG, entryMillis,
                shared ? "1" : "0"};
    }

    /**
     * The acquire script's ARGV with the grant channel prefix and claim, so that a writer leaving
     * the queue grants the readers queued behind it at once.
     */
    static String[] acquireArgs(String owner, String leaseMillis, Mode mode, String entryMillis,
            boolean shared, String channelPrefix, String claimMillis) {
        return new String[] {owner, leaseMillis, mode.arg, RESERVE_ARG, entryMillis,
                shared ? "1" : "0", channelPrefix, claimMillis};
    }

    /** The release script's ARGV, in the order release.lua reads them. */
    static String[] releaseArgs(String owner, boolean leaveQueue, String channelPrefix,
            String claimMillis) {
        return new String[] {owner, leaveQueue ? "1" : "0", RESERVE_ARG, channelPrefix,
                claimMillis};
    }

    /**
     * The raw state of a lock: owner value, fence counter and remaining lease, in one round trip
     * of three pipelined reads, after this manager's last release of it ended (a release resent
     * after {@code NOSCRIPT} could otherwise run after the reads).
     */
    public Optional<Snapshot> inspect(KeyLayout.LockKeys keys) {
        awaitPendingRelease(keys);
        RedisClusterAsyncCommands<String, String> c = backend.commands();
        Snapshot s = runner.callUninterruptibly("inspecting lock key " + keys.lock(), () -> {
            CompletableFuture<String> owner = c.get(keys.lock()).toCompletableFuture();
            CompletableFuture<String> fence = c.get(keys.fence()).toCompletableFuture();
            CompletableFuture<Long> ttl = c.pttl(keys.lock()).toCompletableFuture();
            return CompletableFuture.allOf(owner, fence, ttl).thenApply(v -> owner.join() == null
                    ? null : new Snapshot(owner.join(), fence.join() == null ? 0
                            : Long.parseLong(fence.join()), ttl.join()));
        }, System.nanoTime());
        return Optional.ofNullable(s);
    }

    /**
     * A lock's raw state.
     *
     * @param owner the stored owner value (an {@link OwnerValue}, with a trailing {@code !}
     *     while waiters are queued)
     * @param fence the fence counter: the last token reserved, i.e. the holder's Redis grant's
     *     token plus the tokens reserved for its local handoffs (see {@link #grantToken()})
     * @param pttlMillis the remaining lease, or negative if the key has none
     */
    public record Snapshot(String owner, long fence, long pttlMillis) {

        /**
         * The token of the holder's Redis grant; a holder that took the lease over from another
         * thread of its process has a greater one (one more per local handoff).
         */
        public long grantToken() {
            return fence == 0 ? 0 : fence - TOKENS_PER_GRANT + 1;
        }

        /** The owner value without the waiter mark. */
        public String ownerValue() {
            return OwnerValue.unmarked(owner);
        }

        /** The remaining lease, if the key has one. */
        public Optional<Duration> remaining() {
            return pttlMillis > 0 ? Optional.of(Duration.ofMillis(pttlMillis)) : Optional.empty();
        }
    }

    /** Waits (up to the command timeout, uninterruptibly) for a pending release of the lock. */
    private void awaitPendingRelease(KeyLayout.LockKeys keys) {
        PendingReleases.Sent before = pending.pending(keys.lock());
        if (before != null) {
            before.awaitUninterruptibly(timeoutNanos);
        }
    }

    /** Nanoseconds of the configured lease. */
    public long leaseNanos() {
        return leaseNanos;
    }

}
