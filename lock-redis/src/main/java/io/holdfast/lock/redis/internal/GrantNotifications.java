package io.holdfast.lock.redis.internal;

import io.holdfast.lock.internal.LockMetrics;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grants delivered to this manager's waiters. A release that hands a lock to a queued waiter
 * publishes {@code <owner value> <token> <lock key>} on the waiter's manager channel; a message
 * completes only the wait registered for that lock key and that owner value (unique per acquire
 * attempt, see {@link OwnerValue}), so a late message never completes another wait; this hub subscribes to that
 * one channel once, when the manager starts (again by the next wait if that failed), over one shared pub/sub connection (Lettuce subscribes again
 * after a reconnect), and completes the waiting owner's future. A message lost meanwhile is found
 * by the waiter's next queue refresh. Thread-safe.
 */
public final class GrantNotifications {

    private static final Logger LOG = LoggerFactory.getLogger(GrantNotifications.class);

    private final Supplier<CompletableFuture<StatefulRedisPubSubConnection<String, String>>>
            connector;
    private final String channel;
    private final LockMetrics metrics;
    private final long timeoutNanos;
    /** The registered waits by owner value (unique per acquire attempt). */
    private final ConcurrentHashMap<String, Expected> pending = new ConcurrentHashMap<>();
    private CompletableFuture<Void> subscribed;
    private boolean listening;
    private volatile boolean confirmed;

    /**
     * Creates the hub; {@link #start} opens the connection and subscribes, without waiting.
     *
     * @param connector opens (or returns, open or opening) the shared pub/sub connection
     * @param channel this manager's grant channel
     * @param timeoutNanos how long to wait for the subscription to be confirmed
     */
    public GrantNotifications(
            Supplier<CompletableFuture<StatefulRedisPubSubConnection<String, String>>> connector,
            String channel, LockMetrics metrics, long timeoutNanos) {
        this.connector = connector;
        this.channel = channel;
        this.metrics = metrics;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Registers {@code owner} for a grant message of lock key {@code lockKey}. Register before
     * the attempt that may queue the owner, so a grant published right after it is not missed;
     * close the registration when the wait ends.
     */
    public Expected expect(String lockKey, String owner) {
        return new Expected(lockKey, owner);
    }

    /** True once the channel's subscription was confirmed. */
    public boolean isSubscribed() {
        return confirmed;
    }

    /**
     * Starts opening the connection and subscribing to the channel, if that was not done yet (or
     * failed), without waiting; a lock manager calls it at start-up so that its first wait finds
     * the channel subscribed.
     */
    public synchronized CompletableFuture<Void> start() {
        if (subscribed == null) {
            subscribed = connector.get().thenCompose(this::listenAndSubscribe)
                    .thenRun(() -> confirmed = true);
            subscribed.whenComplete((v, e) -> {
                if (e != null) {
                    LOG.debug("subscribing to {} failed (tried again by the next wait): {}",
                            channel, Failures.explain(e));
                }
            });
        }
        return subscribed;
    }

    private CompletableFuture<Void> listenAndSubscribe(StatefulRedisPubSubConnection<String, String> c) {
        synchronized (this) {
            if (!listening) { // once: a failed subscription is tried again on this connection
                c.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String from, String message) {
                        if (channel.equals(from)) {
                            deliver(message);
                        }
                    }
                });
                listening = true;
            }
        }
        return c.async().subscribe(channel).toCompletableFuture();
    }

    /**
     * Subscribes to the channel if that was not done yet and waits for the confirmation; a failed
     * subscription is tried again by the next call.
     *
     * @throws IllegalStateException if the subscription could not be confirmed in time
     */
    public void subscribe() throws InterruptedException {
        CompletableFuture<Void> s = start();
        try {
            s.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            synchronized (this) {
                if (subscribed == s && s.isCompletedExceptionally()) {
                    subscribed = null;
                }
            }
            Throwable cause = e instanceof ExecutionException ? Failures.unwrap(e.getCause()) : e;
            throw new IllegalStateException("subscribing to " + channel + " failed: "
                    + Failures.explain(cause), cause);
        }
    }

    /** Channels subscribed now: 0 or 1 (for tests and diagnostics). */
    public int subscribedChannels() {
        return confirmed ? 1 : 0;
    }

    /** Completes the wait named by {@code <owner value> <token> <lock key>}, if any. */
    private void deliver(String message) {
        int first = message.indexOf(' ');
        int second = first < 0 ? -1 : message.indexOf(' ', first + 1);
        if (second < 0) {
            LOG.debug("ignoring malformed grant message on {}", channel);
            return;
        }
        Expected wait = pending.get(message.substring(0, first));
        if (wait != null && message.length() - second - 1 == wait.lockKey.length()
                && message.startsWith(wait.lockKey, second + 1)) {
            try {
                wait.grant.complete(Long.parseLong(message.substring(first + 1, second)));
                metrics.notification();
            } catch (NumberFormatException e) {
                LOG.debug("ignoring malformed grant message on {}", channel);
            }
        }
    }

    /** One owner's registration for grant messages of one lock. Used by one thread. */
    public final class Expected implements AutoCloseable {
        private final String lockKey;
        private final String owner;
        private volatile CompletableFuture<Long> grant = new CompletableFuture<>();

        private Expected(String lockKey, String owner) {
            this.lockKey = lockKey;
            this.owner = owner;
            pending.put(owner, this);
        }

        /**
         * Waits for the next grant message (a grant given back, or found stale, may be followed
         * by another).
         *
         * @return the fencing token it carried, or null if the time ran out
         */
        public Long await(long nanos) throws InterruptedException {
            try {
                Long token = grant.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
                grant = new CompletableFuture<>();
                return token;
            } catch (TimeoutException e) {
                return null;
            } catch (ExecutionException e) {
                throw new IllegalStateException("a grant future never fails", e);
            }
        }

        @Override
        public void close() {
            pending.remove(owner, this);
        }
    }
}
