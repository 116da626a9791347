package io.holdfast.lock.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LeaseLostException;
import io.holdfast.lock.LockInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A backend that {@linkplain LockBackend#reissuesGrants() reissues grants}: one grant object for
 * the successive exclusive holds of a resource, never for a lost hold, never seen by an old
 * lease as its own.
 */
class ReissuedGrantsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void exclusiveHolds_ofAResourceUsedAgain_reissueOneGrant_withIncreasingTokens()
            throws Exception {
        try (Manager m = new Manager()) {
            long last = 0;
            for (int i = 0; i < 100; i++) {
                Lease lease = m.acquire("r", WAIT);
                assertThat(lease.fencingToken()).isGreaterThan(last);
                last = lease.fencingToken();
                assertThat(lease.release()).isTrue();
            }
            assertThat(m.tokens().grants).hasValue(1);
            assertThat(m.tokens().reissues).hasValue(99);
        }
    }

    @Test
    void leaseOfAnEarlierHold_neverObservesTheReissuedGrant() throws Exception {
        try (Manager m = new Manager()) {
            AtomicInteger oldCalls = new AtomicInteger();
            AtomicInteger newCalls = new AtomicInteger();
            Lease old = m.acquire("r", WAIT);
            Grant grant = m.tokens().last;
            long oldToken = old.fencingToken();
            old.release();
            Lease next = m.acquire("r", WAIT);
            assertThat(m.tokens().last).as("the same grant, reissued").isSameAs(grant);
            assertThat(grant.fencingToken()).isEqualTo(next.fencingToken())
                    .isGreaterThan(oldToken);

            assertThat(old.isHeld()).isFalse();
            assertThat(old.fencingToken()).isEqualTo(oldToken);
            assertThat(old.release()).isFalse();
            assertThatThrownBy(old::ensureHeld).isInstanceOf(LeaseLostException.class)
                    .hasMessageContaining("already released");
            old.onLost(oldCalls::incrementAndGet); // the reissued grant's hold is not old's
            next.onLost(newCalls::incrementAndGet);
            assertThat(grant.markLost("test")).isTrue();
            assertThat(newCalls).hasValue(1);
            assertThat(oldCalls).hasValue(0);
            assertThat(next.isHeld()).isFalse();
            assertThat(next.release()).isFalse();
        }
    }

    @Test
    void lostGrant_isNeverReissued() throws Exception {
        try (Manager m = new Manager()) {
            Lease lost = m.acquire("r", WAIT);
            Grant grant = m.tokens().last;
            grant.markLost("test");
            assertThat(lost.release()).isFalse();
            Lease next = m.acquire("r", WAIT);
            assertThat(m.tokens().grants).as("a new grant for the next hold").hasValue(2);
            assertThat(m.tokens().last).isNotSameAs(grant);
            assertThat(next.isHeld()).isTrue();
            assertThat(grant.isLost()).isTrue();
            assertThatThrownBy(lost::ensureHeld).isInstanceOf(LeaseLostException.class)
                    .hasMessageContaining("already released");
            next.release();
        }
    }

    @Test
    void reissuedGrant_isTheNewHoldersAndOverOnceReleased() throws Exception {
        try (Manager m = new Manager()) {
            LockContext<Grant> context = m.tokens().context;
            m.acquire("r", WAIT).release();
            assertThat(context.localGrant("r")).as("released: no local grant").isEmpty();
            assertThat(context.activeGrants()).isEmpty();
            CompletableFuture<Thread> holder = new CompletableFuture<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread other = new Thread(() -> {
                try (Lease lease = m.acquire("r", WAIT)) {
                    holder.complete(Thread.currentThread());
                    done.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    holder.completeExceptionally(e);
                }
            });
            other.start();
            assertThat(holder.get(10, TimeUnit.SECONDS)).isSameAs(other);
            assertThat(context.localGrant("r")).get().extracting(Grant::thread).isSameAs(other);
            assertThat(m.tokens().grants).hasValue(1);
            done.complete(null);
            other.join(10_000);
            assertThat(context.activeGrants()).isEmpty();
        }
    }

    /**
     * A reissued grant's wall-clock time is its new hold's: the time derived for an earlier hold
     * is not kept (found by the conformance kit as a NullPointerException when an inspect
     * derived the time while the grant was reissued: the reissue cleared the cached time between
     * the derivation's write and its read).
     */
    @Test
    void reissuedGrant_acquiredAt_isTheNewHolds() throws Exception {
        try (Manager m = new Manager()) {
            m.acquire("r", WAIT).release();
            Grant grant = m.tokens().last;
            Lease first = m.acquire("r", WAIT);
            java.time.Instant firstAt = grant.acquiredAt();
            first.release();
            Thread.sleep(50);
            java.time.Instant before = java.time.Instant.now();
            Lease second = m.acquire("r", WAIT);
            assertThat(m.tokens().last).isSameAs(grant);
            assertThat(grant.acquiredAt()).isAfter(firstAt.plusMillis(40))
                    .isAfterOrEqualTo(before.minusMillis(5));
            second.release();
        }
    }

    @Test
    void sharedGrants_areNotReissued() throws Exception {
        try (Manager m = new Manager()) {
            m.acquireShared("r", WAIT).release();
            m.acquireShared("r", WAIT).release();
            assertThat(m.tokens().grants).hasValue(2);
            assertThat(m.tokens().reissues).hasValue(0);
        }
    }

    @Test
    void threadsTakingTurns_getIncreasingTokens_andOldLeasesStayReleased() throws Exception {
        try (Manager m = new Manager()) {
            AtomicLong highest = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> {
                    try {
                        Lease previous = null;
                        for (int i = 0; i < 20_000; i++) {
                            Lease lease = m.acquire("r", WAIT);
                            long token = lease.fencingToken();
                            if (token <= highest.get()) {
                                throw new AssertionError("token " + token + " after "
                                        + highest.get());
                            }
                            highest.set(token); // under the lock
                            if (previous != null && previous.isHeld()) {
                                throw new AssertionError("a released lease is held: " + previous);
                            }
                            lease.release();
                            previous = lease;
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(60_000);
            }
            assertThat(failures).isEmpty();
            assertThat(m.tokens().grants.get()).as("grants made rather than reissued")
                    .isLessThan(80_000 / 10);
        }
    }

    /**
     * The interleaving that would attach a listener to a later hold: a thread calls
     * {@code onLost} on a lease while its holder releases it and the grant is reissued (the
     * listener's token check passes before the release, the listener is added after). Every
     * listener records the token it was registered with; when the last hold is lost, only
     * listeners of that hold may run.
     */
    @Test
    void onLostRacingReleaseAndReissue_neverRunsForALaterHold() throws Exception {
        try (Manager m = new Manager()) {
            java.util.concurrent.atomic.AtomicReference<Lease> published =
                    new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.ConcurrentLinkedQueue<Long> ran =
                    new java.util.concurrent.ConcurrentLinkedQueue<>();
            AtomicInteger registered = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean stop =
                    new java.util.concurrent.atomic.AtomicBoolean();
            Thread adder = new Thread(() -> {
                while (!stop.get()) {
                    Lease lease = published.get();
                    if (lease != null) {
                        long token = lease.fencingToken();
                        lease.onLost(() -> ran.add(token));
                        registered.incrementAndGet();
                    }
                }
            });
            adder.start();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            Lease last = null;
            while (System.nanoTime() < end || registered.get() < 1000) {
                last = m.acquire("r", WAIT);
                published.set(last);
                Thread.onSpinWait();
                last.release();
            }
            stop.set(true);
            adder.join(10_000);
            Lease current = m.acquire("r", WAIT);
            long token = current.fencingToken();
            current.onLost(() -> ran.add(token));
            m.tokens().last.markLost("test");
            assertThat(ran).as("listeners run by the loss of hold %d", token).containsOnly(token);
        }
    }

    /**
     * The exact interleaving: {@code onLost} of a lease passes its check (hold held, token
     * matches), then, before it adds the listener, the holder releases (the lock-free
     * {@code end()} sees no listener to drop) and acquires again (the grant is reissued with a
     * new token). The listener must not join the new hold: {@code addLossListener} checks again
     * after adding.
     */
    @Test
    void onLost_whoseHoldEndsAndIsReissuedBetweenItsCheckAndItsAdd_isDropped() throws Exception {
        try (Manager m = new Manager()) {
            java.util.concurrent.CountDownLatch checked = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch reissued = new java.util.concurrent.CountDownLatch(1);
            AtomicInteger oldCalls = new AtomicInteger();
            AtomicInteger newCalls = new AtomicInteger();
            Lease old = m.acquire("r", WAIT);
            SeamGrant grant = (SeamGrant) m.tokens().last;
            grant.beforeAdd = () -> {
                checked.countDown();
                await(reissued);
            };
            Thread adder = new Thread(() -> old.onLost(oldCalls::incrementAndGet));
            adder.start();
            await(checked);
            old.release();
            Lease next = m.acquire("r", WAIT);
            assertThat(m.tokens().last).isSameAs(grant);
            reissued.countDown();
            adder.join(10_000);
            next.onLost(newCalls::incrementAndGet);
            grant.markLost("test");
            assertThat(newCalls).hasValue(1);
            assertThat(oldCalls).as("the listener of the earlier hold").hasValue(0);
        }
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A grant with a seam between the check and the add of its first loss listener. */
    static final class SeamGrant extends Grant {
        volatile Runnable beforeAdd;

        SeamGrant(String resource, long token, LossReporter reporter) {
            super(resource, token, System.nanoTime(), reporter);
        }

        @Override
        List<Runnable> newListenerList() {
            Runnable hook = beforeAdd;
            if (hook != null) {
                beforeAdd = null;
                hook.run();
            }
            return super.newListenerList();
        }
    }

    /** A manager on {@link Tokens}. */
    static final class Manager extends ComposedLockManager {
        Manager() {
            super("test", false, null, Tokens::new);
        }

        Tokens tokens() {
            return backend(Tokens.class);
        }
    }

    /** Grants that are tokens only, reissued; counts what the manager asks. */
    static final class Tokens implements LockBackend<Grant> {
        final LockContext<Grant> context;
        final AtomicLong counter = new AtomicLong();
        final AtomicInteger grants = new AtomicInteger();
        final AtomicInteger reissues = new AtomicInteger();
        volatile Grant last;

        Tokens(LockContext<Grant> context) {
            this.context = context;
        }

        @Override
        public Grant grant(String resource, long deadlineNanos, LockMode mode) {
            grants.incrementAndGet();
            Grant g = new SeamGrant(resource, counter.incrementAndGet(), context.lossReporter());
            last = g;
            return g;
        }

        @Override
        public boolean reissuesGrants() {
            return true;
        }

        @Override
        public long reissueToken(String resource) {
            reissues.incrementAndGet();
            return counter.incrementAndGet();
        }

        @Override
        public boolean supportsShared() {
            return true;
        }

        @Override
        public boolean revoke(Grant grant) {
            return true;
        }

        @Override
        public Optional<LockInfo> describe(String resource) {
            return Optional.empty();
        }
    }
}
