package io.holdfast.lock.redis.internal;

import io.holdfast.lock.redis.WaitStrategy;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acquire loop of one thread: try; when busy, subscribe to the release channel and try again
 * (closing the gap between the busy answer and the subscription), then pause until a release
 * notification or a jittered, exponentially growing fallback timer capped by the holder's
 * remaining lease, and try again, until granted or the deadline passes.
 */
public final class Waiter {

    private static final Logger LOG = LoggerFactory.getLogger(Waiter.class);

    /** Fallback re-check while notified: only matters when a message was lost. */
    static final long FALLBACK_INITIAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long FALLBACK_MAX_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Poll interval without notifications. */
    static final long POLL_INITIAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long POLL_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** Builds the grant once the lock is taken. */
    @FunctionalInterface
    public interface GrantFactory {
        /** The grant for {@code token}, acquired by a request sent at {@code sentNanos}. */
        RedisGrant create(long token, long sentNanos);
    }

    private final LockProtocol protocol;
    private final ReleaseNotifications notifications;
    private final WaitStats stats = new WaitStats();

    /** A waiter; {@code notifications} is null for {@link WaitStrategy#POLL}. */
    public Waiter(LockProtocol protocol, ReleaseNotifications notifications, WaitStrategy strategy) {
        this.protocol = protocol;
        this.notifications = strategy == WaitStrategy.PUBSUB ? notifications : null;
    }

    /** How this manager's waiters woke up. */
    public WaitStats stats() {
        return stats;
    }

    /**
     * Takes the lock for {@code owner}, waiting until {@code deadlineNanos}.
     *
     * @return the grant, or null if the deadline passed first (one attempt if it already had)
     */
    public RedisGrant await(KeyLayout.LockKeys keys, String owner, long deadlineNanos,
            GrantFactory factory) throws InterruptedException {
        ReleaseNotifications.Subscription subscription = null;
        boolean notify = notifications != null;
        long backoff = notify ? FALLBACK_INITIAL_NANOS : POLL_INITIAL_NANOS;
        WaitStats.Wake wake = WaitStats.Wake.NONE;
        try {
            while (true) {
                long sent = System.nanoTime();
                LockProtocol.Attempt a =
                        protocol.acquire(keys, owner, subscription != null, deadlineNanos);
                if (a.granted()) {
                    stats.granted(wake);
                    return factory.create(a.token(), sent);
                }
                long now = System.nanoTime();
                if (now - deadlineNanos >= 0) {
                    return null;
                }
                if (notify && subscription == null) {
                    try {
                        subscription = notifications.subscribe(keys.channel());
                        wake = WaitStats.Wake.NONE;
                        continue;
                    } catch (RuntimeException e) {
                        LOG.debug("cannot subscribe to {}, polling instead: {}", keys.channel(),
                                Failures.explain(e));
                        notify = false;
                        backoff = POLL_INITIAL_NANOS;
                    }
                }
                // busy: wait at most until the holder's lease would end; undone for lack of
                // replica acks: retry soon
                long cap = a.busyMillis() > 0
                        ? TimeUnit.MILLISECONDS.toNanos(a.busyMillis() + 1) : POLL_INITIAL_NANOS;
                long pause = Math.min(deadlineNanos - now, Math.min(cap, jitter(backoff)));
                backoff = Math.min(backoff * 2, notify ? FALLBACK_MAX_NANOS : POLL_MAX_NANOS);
                boolean notified;
                if (subscription != null) {
                    notified = subscription.await(pause);
                } else {
                    TimeUnit.NANOSECONDS.sleep(pause);
                    notified = false;
                }
                wake = notified ? WaitStats.Wake.NOTIFIED : WaitStats.Wake.TIMER;
                stats.woke(wake);
            }
        } finally {
            if (subscription != null) {
                subscription.close();
            }
        }
    }

    /** Between half and all of {@code nanos}, so waiters of many processes spread out. */
    private static long jitter(long nanos) {
        return nanos / 2 + ThreadLocalRandom.current().nextLong(nanos / 2 + 1);
    }
}
