package io.holdfast.lock.redis.internal;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The releases a manager sent without waiting for their reply, until the reply comes. Written on
 * the shared command connection, a release is ordered before every command the manager sends
 * after it, except in two cases this registry lets the acquire path detect:
 * <ul>
 * <li>the release's {@code EVALSHA} found {@code NOSCRIPT} and was sent again by {@code EVAL}
 * ({@link Sent#resent()}), after commands sent behind it may already have run;</li>
 * <li>in Cluster, a {@code MOVED}/{@code ASK} redirect re-sends it to another node's connection,
 * where a later command of the same key may arrive first.</li>
 * </ul>
 * {@link #flush} waits for all of them when the manager closes. Thread-safe.
 */
final class PendingReleases {

    /** One release sent without waiting. */
    static final class Sent {
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile boolean resent;

        /** True once the release was sent again after {@code NOSCRIPT} (set before it ends). */
        boolean resent() {
            return resent;
        }

        void markResent() {
            resent = true;
        }

        /**
         * Waits up to {@code nanos} for the reply (or failure) of this release.
         *
         * @return true if it ended in time
         */
        boolean await(long nanos) throws InterruptedException {
            if (done.isDone()) {
                return true;
            }
            try {
                done.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
                return true;
            } catch (ExecutionException e) {
                return true;
            } catch (TimeoutException e) {
                return false;
            }
        }

        /** Like {@link #await}, never interrupted; the interrupt flag is kept. */
        boolean awaitUninterruptibly(long nanos) {
            long end = System.nanoTime() + nanos;
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return await(end - System.nanoTime());
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The last release sent per lock key, while its reply is pending. */
    private final ConcurrentHashMap<String, Sent> latest = new ConcurrentHashMap<>();
    private final Set<Sent> all = ConcurrentHashMap.newKeySet();

    /** Registers a release of {@code lockKey} about to be sent; call {@link #ended} when it ends. */
    Sent start(String lockKey) {
        Sent s = new Sent();
        all.add(s);
        latest.put(lockKey, s);
        return s;
    }

    /** Records the end (reply or failure) of {@code s}. */
    void ended(String lockKey, Sent s) {
        latest.remove(lockKey, s);
        all.remove(s);
        s.done.complete(null);
    }

    /** The last release of {@code lockKey} still pending, or null (the common case). */
    Sent pending(String lockKey) {
        return latest.isEmpty() ? null : latest.get(lockKey);
    }

    /**
     * Waits up to {@code nanos} in all for every pending release.
     *
     * @return how many were still pending when the time ran out
     */
    int flush(long nanos) {
        long end = System.nanoTime() + nanos;
        int left = 0;
        for (Sent s : all.toArray(new Sent[0])) {
            if (!s.awaitUninterruptibly(end - System.nanoTime())) {
                left++;
            }
        }
        return left;
    }
}
