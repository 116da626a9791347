package io.holdfast.lock.redis.internal;

import io.holdfast.lock.redis.WaitStrategy;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acquire loop of one thread. The first attempt takes the lock or, if the caller may wait,
 * joins the lock's queue in the same round trip. A queued waiter then waits for the release that
 * hands it the lock: the grant message on its manager's channel carries the fencing token, so no
 * further round trip is needed. Every queue refresh period (or poll interval without pub/sub), and
 * when the holder's lease would end, it refreshes its queue entry, which also finds a grant whose
 * message was lost or takes a lock whose holder stopped renewing. When the deadline
 * passes it leaves the queue, taking the lock after all if it was granted meanwhile.
 */
public final class Waiter {

    private static final Logger LOG = LoggerFactory.getLogger(Waiter.class);

    /** First poll interval without notifications; doubles (with jitter) up to the refresh. */
    static final long POLL_INITIAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Builds the grant once the lock is taken. */
    @FunctionalInterface
    public interface GrantFactory {
        /**
         * The grant for {@code token}.
         *
         * @param sentNanos when the request was sent after which Redis set the lease
         * @param claim true when a release handed the lock over with a claim lease (see
         *     {@link LockProtocol#claim}) rather than the full lease
         */
        RedisGrant create(long token, long sentNanos, boolean claim);
    }

    /** One acquire round trip ({@link LockProtocol#acquire}); the seam for unit tests. */
    @FunctionalInterface
    interface Attempts {
        LockProtocol.Attempt acquire(KeyLayout.LockKeys keys, String owner,
                LockProtocol.Mode mode, boolean shared, long deadlineNanos)
                throws InterruptedException;
    }

    /** Pauses a polling waiter; the seam for unit tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final Attempts protocol;
    private final int minReplicaAcks;
    private final GrantNotifications notifications;
    private final long refreshNanos;
    private final Backoff poll;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final WaitStats stats = new WaitStats();

    /**
     * A waiter; {@code notifications} is null for {@link WaitStrategy#POLL}.
     *
     * @param refreshNanos how often a queued waiter refreshes its entry
     */
    public Waiter(LockProtocol protocol, GrantNotifications notifications, long refreshNanos) {
        this(protocol::acquire, protocol.minReplicaAcks(), notifications, refreshNanos,
                System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    /** A waiter with its seams given: the round trip, the monotonic clock and the pause. */
    Waiter(Attempts protocol, int minReplicaAcks, GrantNotifications notifications,
            long refreshNanos, LongSupplier clock, Sleeper sleeper) {
        this.protocol = protocol;
        this.minReplicaAcks = minReplicaAcks;
        this.notifications = notifications;
        this.refreshNanos = refreshNanos;
        this.poll = new Backoff(Math.min(POLL_INITIAL_NANOS, refreshNanos), refreshNanos);
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** How this manager's waiters woke up. */
    public WaitStats stats() {
        return stats;
    }

    /**
     * Takes the lock for {@code owner}, shared or exclusive, waiting until {@code deadlineNanos}.
     *
     * @return the grant, or null if the deadline passed first (one attempt if it already had)
     */
    public RedisGrant await(KeyLayout.LockKeys keys, String owner, boolean shared,
            long deadlineNanos, GrantFactory factory) throws InterruptedException {
        long sent = clock.getAsLong();
        if (deadlineNanos - sent <= 0) {
            LockProtocol.Attempt a = protocol.acquire(keys, owner, LockProtocol.Mode.TRY, shared,
                    deadlineNanos);
            return a.granted() ? factory.create(a.token(), sent, false) : null;
        }
        GrantNotifications.Expected expected =
                notifications == null ? null : notifications.expect(keys.lock(), owner);
        try {
            LockProtocol.Attempt a = protocol.acquire(keys, owner, LockProtocol.Mode.JOIN, shared,
                    deadlineNanos);
            if (a.granted()) {
                return factory.create(a.token(), sent, false);
            }
            boolean recheck = false;
            if (expected != null && !notifications.isSubscribed()) {
                try {
                    notifications.subscribe();
                    recheck = true; // a grant published before the subscription was missed
                } catch (RuntimeException e) {
                    LOG.debug("cannot subscribe for grants, polling instead: {}",
                            Failures.explain(e));
                    expected.close();
                    expected = null;
                }
            }
            return queued(keys, owner, shared, deadlineNanos, factory, sent, expected, recheck,
                    a);
        } finally {
            if (expected != null) {
                expected.close();
            }
        }
    }

    /**
     * The wait of a queued owner. A grant message is trusted without a round trip only if its
     * token is greater than the fence the last busy reply reported: the release that sent it ran
     * after that attempt, so its claim lease started after that attempt was sent, and validity is
     * measured from then. A message with a smaller token is stale (its claim ended before our
     * attempt ran: the attempt found the lock not ours) and is ignored. A refresh that finds the
     * owner no longer queued (a stale grant popped it, or its entry expired) joins again.
     */
    private RedisGrant queued(KeyLayout.LockKeys keys, String owner, boolean shared,
            long deadlineNanos,
            GrantFactory factory, long firstSent, GrantNotifications.Expected expected,
            boolean recheckFirst, LockProtocol.Attempt busy) throws InterruptedException {
        long busySent = firstSent;
        int polls = 0;
        boolean recheck = recheckFirst;
        LockProtocol.Attempt last = busy;
        WaitStats.Wake wake = WaitStats.Wake.NONE;
        while (true) {
            if (!recheck) {
                long left = deadlineNanos - clock.getAsLong();
                if (left <= 0) {
                    long sent = clock.getAsLong();
                    LockProtocol.Attempt a = protocol.acquire(keys, owner,
                            LockProtocol.Mode.LEAVE, shared, sent);
                    if (a.granted()) {
                        stats.granted(wake);
                        return factory.create(a.token(), sent, false);
                    }
                    return null;
                }
                // try again no later than the holder's lease ends (a holder that stopped renewing)
                long cap = Math.min(left, last.busyMillis() > 0
                        ? TimeUnit.MILLISECONDS.toNanos(last.busyMillis() + 1) : refreshNanos);
                Long token;
                if (expected != null && !last.undone()) {
                    token = expected.await(Math.min(cap, refreshNanos));
                } else {
                    // polling, or a grant was just given back for lack of replica acks
                    sleeper.sleep(Math.min(cap, poll.delayNanos(++polls)));
                    token = null;
                }
                wake = token != null ? WaitStats.Wake.NOTIFIED : WaitStats.Wake.TIMER;
                stats.woke(wake);
                if (token != null && token <= last.fence()) {
                    LOG.debug("ignoring a stale grant of lock key {} (token {}, fence {})",
                            keys.lock(), token, last.fence());
                } else if (token != null && minReplicaAcks == 0) {
                    // with replica acks, a refresh followed by WAIT confirms the grant instead
                    stats.granted(wake);
                    return factory.create(token, busySent, true);
                }
            }
            recheck = false;
            long sent = clock.getAsLong();
            last = protocol.acquire(keys, owner, last.queued() ? LockProtocol.Mode.QUEUED
                    : LockProtocol.Mode.JOIN, shared, deadlineNanos);
            if (last.granted()) {
                stats.granted(wake);
                return factory.create(last.token(), sent, false);
            }
            busySent = sent;
        }
    }

}
