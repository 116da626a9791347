package io.holdfast.lock.redis.internal;

import io.holdfast.lock.internal.LockMetrics;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Release notifications over one shared pub/sub connection. Each channel is subscribed while at
 * least one waiter of this manager listens on it, and unsubscribed when the last one leaves, so
 * subscriptions never outlive their waiters. Thread-safe.
 */
public final class ReleaseNotifications {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseNotifications.class);

    private final Supplier<StatefulRedisPubSubConnection<String, String>> connector;
    private final LockMetrics metrics;
    private final long timeoutNanos;
    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    private volatile StatefulRedisPubSubConnection<String, String> connection;

    /**
     * Creates the hub; the connection is opened on the first subscription.
     *
     * @param connector opens (or returns) the shared pub/sub connection
     * @param timeoutNanos how long to wait for a subscription to be confirmed
     */
    public ReleaseNotifications(Supplier<StatefulRedisPubSubConnection<String, String>> connector,
            LockMetrics metrics, long timeoutNanos) {
        this.connector = connector;
        this.metrics = metrics;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Listens on {@code channel} until the returned subscription is closed. Returns once the
     * server confirmed the subscription, so a release after this call is never missed (unless
     * the connection drops, which the caller's fallback re-check covers).
     *
     * @throws RuntimeException if the subscription could not be confirmed in time
     */
    public Subscription subscribe(String channel) throws InterruptedException {
        StatefulRedisPubSubConnection<String, String> c = connection();
        Subscription s = new Subscription(channel);
        Channel ch = channels.compute(channel, (k, existing) -> {
            Channel v = existing != null ? existing : new Channel(c, k);
            v.subscribers.add(s);
            return v;
        });
        try {
            ch.confirmed(timeoutNanos);
        } catch (InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Channels subscribed now (for tests and diagnostics). */
    public int subscribedChannels() {
        return channels.size();
    }

    private StatefulRedisPubSubConnection<String, String> connection() {
        StatefulRedisPubSubConnection<String, String> c = connection;
        if (c == null) {
            synchronized (this) {
                c = connection;
                if (c == null) {
                    c = connector.get();
                    c.addListener(new RedisPubSubAdapter<>() {
                        @Override
                        public void message(String channel, String message) {
                            deliver(channel);
                        }
                    });
                    connection = c;
                }
            }
        }
        return c;
    }

    private void deliver(String channel) {
        Channel ch = channels.get(channel);
        if (ch != null) {
            metrics.notification();
            ch.subscribers.forEach(Subscription::signal);
        }
    }

    private void leave(Subscription s) {
        channels.computeIfPresent(s.channel, (k, ch) -> {
            ch.subscribers.remove(s);
            if (!ch.subscribers.isEmpty()) {
                return ch;
            }
            // sent under the map's lock, so a later SUBSCRIBE of the same channel follows it
            ch.connection.async().unsubscribe(k).exceptionally(e -> {
                LOG.debug("unsubscribing {} failed: {}", k, Failures.explain(e));
                return null;
            });
            return null;
        });
    }

    /** One subscribed channel and its listeners in this manager. */
    private static final class Channel {
        final StatefulRedisPubSubConnection<String, String> connection;
        final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
        final java.util.concurrent.CompletableFuture<Void> subscribed;

        Channel(StatefulRedisPubSubConnection<String, String> connection, String name) {
            this.connection = connection;
            this.subscribed = connection.async().subscribe(name).toCompletableFuture();
        }

        void confirmed(long timeoutNanos) throws InterruptedException {
            try {
                subscribed.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("subscribe failed: "
                        + Failures.explain(e.getCause()), e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("subscribe not confirmed in time", e);
            }
        }
    }

    /** One waiter's registration on a channel. Close it when the wait ends. */
    public final class Subscription implements AutoCloseable {
        private final String channel;
        private final Semaphore signal = new Semaphore(0);
        private boolean closed;

        private Subscription(String channel) {
            this.channel = channel;
        }

        void signal() {
            if (signal.availablePermits() == 0) {
                signal.release();
            }
        }

        /**
         * Waits for a release notification.
         *
         * @return true if notified, false if the time ran out
         */
        public boolean await(long nanos) throws InterruptedException {
            boolean notified = signal.tryAcquire(Math.max(0, nanos), TimeUnit.NANOSECONDS);
            signal.drainPermits();
            return notified;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                leave(this);
            }
        }
    }
}
