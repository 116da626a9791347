package io.holdfast.lock.redis.internal;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-wait exclusive misses answered without a round trip (issue 16, S5), on Redis's
 * client-side caching: the command connection runs {@code CLIENT TRACKING ON} (RESP3, default
 * mode), so Redis remembers the keys the acquire script read for this connection (the busy path
 * reads the lock key, and the readers key when held shared) and pushes an {@code invalidate}
 * message on the same connection, in order with replies, when one of them changes or expires.
 *
 * <p>A miss is remembered ("busy until sent + the holder's remaining lease") only if it was sent
 * after tracking was confirmed on the current connection generation and nothing happened to
 * its lock since it was sent: no invalidation of one of the lock's keys (counted per stripe of
 * lock keys), no flush, no disconnect and no reconnect (each bumps the generation; a reconnect's
 * {@code onRedisConnected} runs on the new channel's event loop before any reply read on that
 * channel, so a reply replayed onto a new connection always sees a new generation). The check
 * runs again after the entry is stored, so an invalidation racing the store removes it. An
 * entry dies by its deadline even without an invalidation, and at most {@link #MAX_ENTRIES} are
 * kept. After each reconnect tracking is enabled again (at once, and by the next miss if that
 * failed); until its reply arrives nothing is remembered. Thread-safe.
 */
public final class MissCache {

    private static final Logger LOG = LoggerFactory.getLogger(MissCache.class);

    /** The most locks remembered at once; a miss finding the cache full is not remembered. */
    public static final int MAX_ENTRIES = 1024;
    private static final int STRIPES = 256;

    /** One remembered miss; compared by identity so that a racing store removes only its own. */
    private static final class Entry {
        final long untilNanos;
        final long fence;

        Entry(long untilNanos, long fence) {
            this.untilNanos = untilNanos;
            this.fence = fence;
        }
    }

    /**
     * What a miss's store is checked against: the state when its command was sent.
     *
     * @param lockKey the lock key
     * @param generation the connection generation, tracking confirmed in it
     * @param flushes the flushes seen
     * @param stripe the invalidations seen of the lock's stripe
     * @param sentNanos when the command was sent (the entry's deadline counts from here)
     */
    public record Ticket(String lockKey, long generation, long flushes, long stripe,
            long sentNanos) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();
    /** The generation in which {@code CLIENT TRACKING ON} was confirmed, or -1. */
    private volatile long tracked = -1;
    /** The generation for which {@code CLIENT TRACKING ON} was last sent, or -1. */
    private final AtomicLong enabling = new AtomicLong(-1);
    private final Supplier<CompletionStage<String>> enable;
    private final LongSupplier clock;
    private final LongAdder hits = new LongAdder();

    /**
     * A cache whose tracking is enabled by {@code enable} ({@code CLIENT TRACKING ON} on the
     * command connection); events come from {@link #connectionChanged()} and
     * {@link #invalidated(List)}.
     */
    MissCache(Supplier<CompletionStage<String>> enable, LongSupplier clock) {
        this.enable = enable;
        this.clock = clock;
    }

    /**
     * Enables tracking on {@code connection} and returns the cache fed by its invalidations, or
     * null when misses cannot be cached there: not a plain (standalone or Sentinel) connection,
     * RESP2, or {@code CLIENT TRACKING} refused (an ACL without {@code CLIENT}) or not answered
     * within {@code timeoutNanos}.
     */
    static MissCache track(StatefulConnection<String, String> connection, String endpoint,
            long timeoutNanos) {
        if (!(connection instanceof StatefulRedisConnectionImpl<String, String> c)) {
            return null;
        }
        ProtocolVersion version = c.getConnectionState().getNegotiatedProtocolVersion();
        if (version != ProtocolVersion.RESP3) {
            LOG.debug("misses to {} are not cached: the connection speaks {}", endpoint, version);
            return null;
        }
        MissCache cache = new MissCache(() -> c.async().clientTracking(TrackingArgs.Builder
                .enabled()), System::nanoTime);
        StatefulRedisConnection<String, String> sc = c;
        PushListener pushes = cache::pushed;
        RedisConnectionStateListener states = new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> h, SocketAddress address) {
                cache.connectionChanged();
                cache.enableTracking();
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> h) {
                cache.connectionChanged();
            }
        };
        // listening before tracking is enabled: a reconnect in between bumps the generation
        sc.addListener(pushes);
        c.addListener(states);
        try {
            cache.enableTracking().toCompletableFuture().get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            sc.removeListener(pushes);
            c.removeListener(states);
            LOG.info("misses to {} are not cached: CLIENT TRACKING ON failed: {}", endpoint,
                    Failures.explain(Failures.unwrap(e)));
            return null;
        }
        return cache;
    }

    private void pushed(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
        Object keys = content.size() > 1 ? content.get(1) : null;
        invalidated(keys instanceof List<?> l ? l : null);
    }

    /**
     * Redis invalidated {@code keys} (null: every key, after a flush): their locks' entries are
     * removed and no miss sent before now is remembered for them.
     */
    void invalidated(List<?> keys) {
        if (keys == null) {
            flushes.incrementAndGet();
            entries.clear();
            return;
        }
        for (Object k : keys) {
            String lock = KeyLayout.lockKeyOf(String.valueOf(k));
            if (lock != null) {
                forget(lock);
            }
        }
    }

    /** The connection went down or came up: tracking must be confirmed again. */
    void connectionChanged() {
        generation.incrementAndGet();
        entries.clear();
    }

    /** Sends {@code CLIENT TRACKING ON} unless sent already in this generation. */
    CompletionStage<String> enableTracking() {
        long g = generation.get();
        if (tracked == g || enabling.getAndSet(g) == g) {
            return CompletableFuture.completedFuture("OK");
        }
        CompletionStage<String> sent;
        try {
            sent = enable.get();
        } catch (RuntimeException e) { // rejected while disconnected: the next miss tries again
            enabling.compareAndSet(g, -1);
            return CompletableFuture.failedFuture(e);
        }
        return sent.whenComplete((ok, e) -> {
            if (e == null && generation.get() == g) {
                tracked = g;
            } else {
                enabling.compareAndSet(g, -1);
                if (e != null) {
                    LOG.debug("CLIENT TRACKING ON failed; misses are not cached until it works: {}",
                            Failures.explain(Failures.unwrap(e)));
                }
            }
        });
    }

    /**
     * The remaining lease of the holder if {@code lockKey} is remembered busy now, else -1.
     * Counts a hit.
     */
    public long busyMillis(String lockKey) {
        Entry e = entries.get(lockKey);
        if (e == null) {
            return -1;
        }
        long left = e.untilNanos - clock.getAsLong();
        if (left <= 0) {
            entries.remove(lockKey, e);
            return -1;
        }
        hits.increment();
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
    }

    /** The fence the remembered miss of {@code lockKey} reported, or 0. */
    public long fence(String lockKey) {
        Entry e = entries.get(lockKey);
        return e == null ? 0 : e.fence;
    }

    /**
     * The state to check a miss of {@code lockKey} against before it is remembered, taken just
     * before the command is sent; null when tracking is not confirmed on this connection
     * generation (a miss is then not remembered, and tracking is enabled again).
     */
    public Ticket beforeSend(String lockKey) {
        long g = generation.get();
        if (tracked != g) {
            enableTracking();
            return null;
        }
        return new Ticket(lockKey, g, flushes.get(), stripes.get(stripe(lockKey)),
                clock.getAsLong());
    }

    /**
     * Remembers the miss sent with {@code ticket}, which reported the holder's remaining lease
     * {@code busyMillis} and {@code fence}, unless anything happened to its lock since it was
     * sent (see the class comment) or the cache is full.
     */
    public void remember(Ticket ticket, long busyMillis, long fence) {
        if (busyMillis <= 0 || !unchanged(ticket)) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            long now = clock.getAsLong();
            entries.values().removeIf(e -> e.untilNanos - now <= 0);
            if (entries.size() >= MAX_ENTRIES) {
                return;
            }
        }
        Entry e = new Entry(ticket.sentNanos() + TimeUnit.MILLISECONDS.toNanos(busyMillis), fence);
        entries.put(ticket.lockKey(), e);
        if (!unchanged(ticket)) { // an invalidation, flush or reconnect raced the store
            entries.remove(ticket.lockKey(), e);
        }
    }

    private boolean unchanged(Ticket t) {
        return generation.get() == t.generation() && tracked == t.generation()
                && flushes.get() == t.flushes()
                && stripes.get(stripe(t.lockKey())) == t.stripe();
    }

    /**
     * Forgets {@code lockKey} at once: this manager is releasing it (a release sent without
     * waiting must not be answered "busy" by its own next attempt).
     */
    public void forget(String lockKey) {
        stripes.incrementAndGet(stripe(lockKey));
        entries.remove(lockKey);
    }

    /** Misses answered from the cache so far. */
    public long hits() {
        return hits.sum();
    }

    /** Locks remembered now (expired entries included until they are next read). */
    int size() {
        return entries.size();
    }

    private static int stripe(String lockKey) {
        return lockKey.hashCode() & (STRIPES - 1);
    }
}
