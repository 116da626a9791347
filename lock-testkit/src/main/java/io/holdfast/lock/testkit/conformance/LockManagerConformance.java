package io.holdfast.lock.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LeaseLostException;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReadWriteLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link LockManager} must meet, as a JUnit 5 compatibility kit: a backend's
 * test extends this class and implements {@link #newManager()}.
 *
 * <p>Tests use resource names unique to each test run, so backends that share state between
 * managers (files, Redis) need no cleanup between tests. Managers created through
 * {@link #newManager()} by the kit are closed after each test.
 */
@SuppressWarnings("try") // Holder resources hold a lock for the block; they need no reference
@Timeout(value = 180, unit = TimeUnit.SECONDS) // a hang fails the test, not the build
public abstract class LockManagerConformance {

    /** A generous bound for anything that should be quick; never a performance assertion. */
    protected static final Duration PATIENCE = Duration.ofSeconds(20);

    private final List<LockManager> created = new ArrayList<>();
    private final String prefix = "conformance-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    /** The manager most tests use, created before each test. */
    protected LockManager manager;

    /** Creates a new, open manager; called at least once per test. The kit closes it. */
    protected abstract LockManager newManager();

    /**
     * True when two managers from {@link #newManager()} exclude each other (file and Redis
     * managers do; in-process managers do not). Enables the cross-manager tests.
     */
    protected boolean managersShareLocks() {
        return false;
    }

    /** Threads in the mutual-exclusion stress tests. */
    protected int stressThreads() {
        return 16;
    }

    /** Threads in the stress tests that spread over several managers (when they share locks). */
    protected int crossManagerStressThreads() {
        return stressThreads();
    }

    /** Total acquisitions in each stress test, over all threads. */
    protected int stressAcquisitions() {
        return 4000;
    }

    /**
     * True when the backend grants shared locks; false makes the shared-lock specifications skip
     * (visible as skipped) and checks that shared requests are refused clearly instead.
     */
    protected boolean sharedLocks() {
        return true;
    }

    /** tryAcquire calls made while another thread inspects the same free lock. */
    protected int inspectRaceAttempts() {
        return 1000;
    }

    @BeforeEach
    final void createManager() {
        manager = track(newManager());
    }

    @AfterEach
    final void closeManagers() {
        for (LockManager m : created) {
            m.close();
        }
        created.clear();
    }

    /** A resource name unique to this test run. */
    protected final String resource(String name) {
        return prefix + name;
    }

    private LockManager track(LockManager m) {
        assertThat(m).as("newManager() result").isNotNull();
        created.add(m);
        return m;
    }

    /** Managers for a stress run: distinct ones when they share locks, else the one manager. */
    private List<LockManager> stressManagers() {
        List<LockManager> ms = new ArrayList<>();
        ms.add(manager);
        if (managersShareLocks()) {
            ms.add(track(newManager()));
            ms.add(track(newManager()));
        }
        return ms;
    }

    private int threadsFor(List<LockManager> ms) {
        return ms.size() > 1 ? crossManagerStressThreads() : stressThreads();
    }

    private static <T> T onOtherThread(java.util.concurrent.Callable<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "other");
        t.setDaemon(true);
        t.start();
        try {
            return result.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new AssertionError(e.getCause());
        } catch (Exception e) {
            throw new AssertionError("the other thread did not finish", e);
        }
    }

    /** Mutual exclusion and fencing under contention. */
    @Nested
    class MutualExclusion {

        /** An unsynchronised counter: only the lock protects it. */
        private int counter;

        @Test
        void counter_underContention_isExact() {
            List<LockManager> ms = stressManagers();
            int threads = threadsFor(ms);
            int perThread = Math.max(1, stressAcquisitions() / threads);
            String r = resource("counter");
            Race.run(threads, PATIENCE.toSeconds() * 6, i -> {
                LockManager m = ms.get(i % ms.size());
                for (int n = 0; n < perThread; n++) {
                    try (Lease lease = m.acquire(r, PATIENCE)) {
                        int read = counter;
                        if (n % 8 == 0) {
                            Thread.yield(); // widen the window a broken lock would expose
                        }
                        counter = read + 1;
                    }
                }
                return null;
            });
            assertThat(counter).as("increments under the lock").isEqualTo(threads * perThread);
        }

        @Test
        void fencingTokens_strictlyIncrease_acrossEveryGrant() {
            List<LockManager> ms = stressManagers();
            int threads = threadsFor(ms);
            int perThread = Math.max(1, stressAcquisitions() / threads);
            String r = resource("tokens");
            AtomicReference<String> violation = new AtomicReference<>();
            long[] last = {Long.MIN_VALUE};
            Race.run(threads, PATIENCE.toSeconds() * 6, i -> {
                LockManager m = ms.get(i % ms.size());
                for (int n = 0; n < perThread; n++) {
                    try (Lease lease = m.acquire(r, PATIENCE)) {
                        long token = lease.fencingToken();
                        if (token <= last[0]) {
                            violation.compareAndSet(null, "token " + token + " after " + last[0]);
                        }
                        last[0] = token;
                    }
                }
                return null;
            });
            assertThat(violation.get()).as("first token that did not increase").isNull();
        }

        @Test
        void tokens_increase_acrossSuccessiveHolds_ofOneResource() throws Exception {
            String r = resource("successive");
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < 5; i++) {
                try (Lease lease = manager.acquire(r, PATIENCE);
                        Lease other = manager.acquire(resource("other-" + i), PATIENCE)) {
                    assertThat(lease.fencingToken()).isGreaterThan(previous);
                    assertThat(other.isHeld()).isTrue();
                    previous = lease.fencingToken();
                }
            }
        }

        @Test
        void otherManager_cannotAcquire_whileOneHolds() throws Exception {
            requireSharingManagers();
            LockManager other = track(newManager());
            String r = resource("shared");
            try (Lease lease = manager.acquire(r, PATIENCE)) {
                assertThat(onOtherThread(() -> other.tryAcquire(r))).isEmpty();
                assertThat(other.tryAcquire(r)).as("same thread, other manager").isEmpty();
            }
            try (Lease lease = other.tryAcquire(r).orElseThrow()) {
                assertThat(lease.isHeld()).isTrue();
            }
        }

        @Test
        void otherManager_waitsForRelease_thenGetsGreaterToken() throws Exception {
            requireSharingManagers();
            LockManager other = track(newManager());
            String r = resource("shared-wait");
            Holder h = Holder.hold(manager, r);
            try {
                long held = h.lease().fencingToken();
                Waiter<Long> waiter = Waiter.start("other-manager-waiter",
                        () -> exclusiveToken(other, r)).awaitBlocked();
                assertThat(waiter.isDone()).as("waiting while the other manager holds").isFalse();
                assertThat(h.release()).isTrue();
                assertThat(waiter.get()).isGreaterThan(held);
            } finally {
                h.close();
            }
        }
    }

    /** Nested acquires by the holding thread. */
    @Nested
    class Reentrancy {

        @Test
        void nestedAcquire_returnsSameToken() throws Exception {
            String r = resource("re");
            try (Lease outer = manager.acquire(r, PATIENCE);
                    Lease inner = manager.acquire(r, Duration.ZERO)) {
                assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
                assertThat(manager.tryAcquire(r)).get()
                        .satisfies(l -> assertThat(l.release()).isTrue());
            }
        }

        @Test
        void lock_isFree_onlyAfterEveryLeaseReleased() throws Exception {
            String r = resource("re");
            Lease outer = manager.acquire(r, PATIENCE);
            Lease inner = manager.acquire(r, PATIENCE);
            assertThat(inner.release()).isTrue();
            assertThat(outer.isHeld()).isTrue();
            assertThat(onOtherThread(() -> manager.tryAcquire(r))).as("after inner release").isEmpty();
            assertThat(outer.release()).isTrue();
            Optional<Lease> other = onOtherThread(() -> {
                Optional<Lease> l = manager.tryAcquire(r);
                l.ifPresent(Lease::release);
                return l;
            });
            assertThat(other).as("after outer release").isPresent();
        }

        @Test
        void doubleRelease_returnsFalse_andKeepsOuterHold() throws Exception {
            String r = resource("re");
            try (Lease outer = manager.acquire(r, PATIENCE)) {
                Lease inner = manager.acquire(r, PATIENCE);
                assertThat(inner.release()).isTrue();
                assertThat(inner.release()).isFalse();
                inner.close();
                assertThat(outer.isHeld()).isTrue();
                assertThat(onOtherThread(() -> manager.tryAcquire(r))).isEmpty();
            }
        }
    }

    /** tryAcquire, timeouts, zero waits and interrupts. */
    @Nested
    class Waiting {

        @Test
        void tryAcquire_whenHeldByAnotherThread_returnsEmptyWithoutBlocking() {
            String r = resource("busy");
            try (Holder h = Holder.hold(manager, r)) {
                long start = System.nanoTime();
                assertThat(manager.tryAcquire(r)).isEmpty();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PATIENCE);
            }
        }

        @Test
        void tryAcquire_whenFree_grantsHeldLease() {
            try (Lease lease = manager.tryAcquire(resource("free")).orElseThrow()) {
                assertThat(lease.isHeld()).isTrue();
                assertThat(lease.resource()).isEqualTo(resource("free"));
            }
        }

        @Test
        void acquire_timesOutWithinDeadline_namingResourceAndWait() {
            String r = resource("busy");
            Duration wait = Duration.ofMillis(300);
            try (Holder h = Holder.hold(manager, r)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> manager.acquire(r, wait))
                        .isInstanceOf(LockTimeoutException.class)
                        .hasMessageContaining(r)
                        .hasMessageContaining("300ms")
                        .satisfies(e -> assertThat(((LockTimeoutException) e).resource()).isEqualTo(r));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(took).isGreaterThanOrEqualTo(wait.minusMillis(30)).isLessThan(PATIENCE);
            }
        }

        @Test
        void acquire_withZeroWait_makesOneAttempt() throws Exception {
            String r = resource("zero");
            try (Holder h = Holder.hold(manager, r)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> manager.acquire(r, Duration.ZERO))
                        .isInstanceOf(LockTimeoutException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PATIENCE);
            }
            try (Lease lease = manager.acquire(r, Duration.ZERO)) {
                assertThat(lease.isHeld()).isTrue();
            }
        }

        @Test
        void acquire_waitsForRelease_thenGrants() throws Exception {
            String r = resource("handoff");
            Holder h = Holder.hold(manager, r);
            long before = h.lease().fencingToken();
            try {
                Waiter<Long> waiter = Waiter.start("waiter", () -> exclusiveToken(manager, r))
                        .awaitBlocked();
                assertThat(waiter.isDone()).as("waiting while another thread holds").isFalse();
                assertThat(h.release()).isTrue();
                assertThat(waiter.get()).isGreaterThan(before);
            } finally {
                h.close();
            }
        }

        @Test
        void acquire_interruptedWhileWaiting_throwsAndLeaksNothing() throws Exception {
            String r = resource("interrupt");
            try (Holder h = Holder.hold(manager, r)) {
                Waiter<Boolean> waiter = Waiter.start("waiter",
                        () -> manager.acquire(r, PATIENCE.multipliedBy(3)).release())
                        .awaitBlocked();
                waiter.interrupt();
                assertThat(waiter.failure()).isInstanceOf(InterruptedException.class);
                h.release();
            }
            Optional<Lease> next = onOtherThread(() -> {
                Optional<Lease> l = manager.tryAcquire(r);
                l.ifPresent(Lease::release);
                return l;
            });
            assertThat(next).as("lock after the interrupted waiter gave up").isPresent();
        }

        @Test
        void acquire_withInterruptFlagSet_andLockBusy_throwsInterrupted() {
            String r = resource("interrupt-flag");
            try (Holder h = Holder.hold(manager, r)) {
                Thread.currentThread().interrupt();
                try {
                    assertThatThrownBy(() -> manager.acquire(r, PATIENCE))
                            .isInstanceOf(InterruptedException.class);
                } finally {
                    Thread.interrupted();
                }
            }
        }

        @Test
        void tryAcquire_byInterruptedThread_ignoresTheFlag_andKeepsIt() throws Exception {
            String r = resource("interrupted-try");
            String busy = resource("interrupted-busy");
            try (Holder h = Holder.hold(manager, busy)) {
                Thread.currentThread().interrupt();
                try {
                    Lease lease = manager.tryAcquire(r).orElseThrow(() -> new AssertionError(
                            "a free lock was not granted to an interrupted thread"));
                    assertThat(Thread.currentThread().isInterrupted()).as("flag kept after the grant")
                            .isTrue();
                    assertThat(lease.isHeld()).isTrue();
                    assertThat(manager.tryAcquire(busy)).as("a busy lock").isEmpty();
                    assertThat(Thread.currentThread().isInterrupted()).as("flag kept when busy").isTrue();
                    assertThat(lease.release()).as("release by the interrupted thread").isTrue();
                    assertThat(Thread.currentThread().isInterrupted()).as("flag kept after release")
                            .isTrue();
                } finally {
                    Thread.interrupted();
                }
            }
            assertThat(onOtherThread(() -> manager.tryAcquire(r).map(Lease::release))).hasValue(true);
        }

        @Test
        void tryAcquire_ofFreeLock_isGranted_whileAnotherThreadInspectsIt() throws Exception {
            String r = resource("inspected");
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            CountDownLatch inspecting = new CountDownLatch(1);
            CompletableFuture<Integer> inspections = CompletableFuture.supplyAsync(() -> {
                int n = 0;
                while (!stop.get()) {
                    manager.inspect(r);
                    inspecting.countDown();
                    n++;
                }
                return n;
            });
            assertThat(inspecting.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            int refused = 0;
            try {
                for (int i = 0; i < inspectRaceAttempts(); i++) {
                    Optional<Lease> lease = manager.tryAcquire(r);
                    if (lease.isPresent()) {
                        lease.get().release();
                    } else {
                        refused++;
                    }
                }
            } finally {
                stop.set(true);
            }
            assertThat(inspections.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isPositive();
            assertThat(refused).as("tryAcquire of a free lock refused while it was inspected").isZero();
        }

        @Test
        void acquire_withNegativeWait_isRejected() {
            assertThatThrownBy(() -> manager.acquire(resource("neg"), Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wait");
            assertThatThrownBy(() -> manager.acquire(resource("neg"), null))
                    .isInstanceOf(NullPointerException.class);
        }
    }

    /** Leases belong to their thread and end once. */
    @Nested
    class Leases {

        @Test
        void release_fromForeignThread_isRejected() throws Exception {
            String r = resource("foreign");
            try (Lease lease = manager.acquire(r, PATIENCE)) {
                assertThatThrownBy(() -> onOtherThread(lease::release))
                        .isInstanceOf(IllegalMonitorStateException.class)
                        .hasMessageContaining(r);
                assertThat(lease.isHeld()).isTrue();
                assertThat(onOtherThread(() -> manager.tryAcquire(r))).isEmpty();
            }
        }

        @Test
        void isHeld_isFalse_afterRelease_andEnsureHeldThrows() throws Exception {
            Lease lease = manager.acquire(resource("held"), PATIENCE);
            assertThat(lease.isHeld()).isTrue();
            lease.ensureHeld();
            assertThat(lease.release()).isTrue();
            assertThat(lease.isHeld()).isFalse();
            assertThatThrownBy(lease::ensureHeld).isInstanceOf(LeaseLostException.class);
            assertThat(lease.release()).isFalse();
        }

        @Test
        void onLost_isNotCalled_onNormalRelease() throws Exception {
            AtomicInteger calls = new AtomicInteger();
            Lease lease = manager.acquire(resource("lost"), PATIENCE);
            lease.onLost(calls::incrementAndGet);
            lease.release();
            lease.onLost(calls::incrementAndGet);
            assertThat(calls).hasValue(0);
        }

        /**
         * A lease kept after its release stays released, with its own token, however often the
         * resource is held again: the local backend reissues one grant object for successive
         * holds, and none of them may bring an old lease back to life.
         */
        @Test
        void leaseKeptAfterRelease_staysReleased_whileTheResourceIsHeldAgain() throws Exception {
            LockManager m = track(newManager());
            String r = resource("kept");
            AtomicInteger oldCalls = new AtomicInteger();
            AtomicInteger newCalls = new AtomicInteger();
            Lease old = m.acquire(r, PATIENCE);
            long oldToken = old.fencingToken();
            assertThat(old.release()).isTrue();
            Lease next = null;
            for (int i = 0; i < 3; i++) { // held again, here and by another thread
                onOtherThread(() -> m.acquire(r, PATIENCE).release());
                next = m.acquire(r, PATIENCE);
                assertThat(next.fencingToken()).isGreaterThan(oldToken);
                assertThat(old.isHeld()).isFalse();
                assertThat(old.fencingToken()).isEqualTo(oldToken);
                assertThat(old.release()).isFalse();
                assertThat(next.isHeld()).as("the new lease after the old one's release again")
                        .isTrue();
                assertThatThrownBy(old::ensureHeld).isInstanceOf(LeaseLostException.class)
                        .hasMessageContaining("already released")
                        .hasMessageContaining(String.valueOf(oldToken));
                assertThat(old.toString()).contains(String.valueOf(oldToken), "released");
                if (i < 2) {
                    assertThat(next.release()).isTrue();
                }
            }
            old.onLost(oldCalls::incrementAndGet); // to the released hold: never runs
            next.onLost(newCalls::incrementAndGet);
            m.close(); // the held lease is lost
            assertThat(next.isHeld()).isFalse();
            assertThat(newCalls).hasValue(1);
            assertThat(oldCalls).hasValue(0);
            assertThat(old.fencingToken()).isEqualTo(oldToken);
        }

        @Test
        void closedManager_rejectsAcquire() {
            LockManager m = track(newManager());
            m.close();
            assertThatThrownBy(() -> m.acquire(resource("closed"), PATIENCE))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> m.tryAcquire(resource("closed")))
                    .isInstanceOf(IllegalStateException.class);
            m.close(); // idempotent
        }

        @Test
        void close_endsHeldLeases_andFreesTheLock() throws Exception {
            LockManager m = track(newManager());
            String r = resource("close-held");
            Lease lease = m.acquire(r, PATIENCE);
            m.close();
            assertThat(lease.isHeld()).isFalse();
            LockManager probe = managersShareLocks() ? track(newManager()) : null;
            if (probe != null) {
                try (Lease next = probe.acquire(r, PATIENCE)) {
                    assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
                }
            }
        }

        @Test
        void close_reportsTheLeaseLost_beforeTheLockIsFree() throws Exception {
            requireSharingManagers();
            LockManager m = track(newManager());
            LockManager other = track(newManager());
            String r = resource("close-order");
            Lease lease = m.acquire(r, PATIENCE);
            AtomicReference<Optional<Lease>> seenByOther = new AtomicReference<>();
            lease.onLost(() -> seenByOther.set(other.tryAcquire(r)));
            m.close();
            assertThat(seenByOther.get()).as("listener ran").isNotNull();
            seenByOther.get().ifPresent(Lease::release);
            assertThat(seenByOther.get()).as("another manager was granted the lock while the"
                    + " closed manager's lease was not yet reported lost").isEmpty();
        }

        @Test
        void backend_isNamed() {
            assertThat(manager.backend()).isNotBlank();
        }
    }

    /** The {@link Lock} view. */
    @Nested
    class AsLock {

        @Test
        void lockAndUnlock_shareHoldsWithTheManager() {
            String r = resource("view");
            Lock lock = manager.asLock(r);
            lock.lock();
            try {
                assertThat(onOtherThread(() -> manager.tryAcquire(r))).isEmpty();
                boolean other = onOtherThread(lock::tryLock);
                assertThat(other).isFalse();
            } finally {
                lock.unlock();
            }
            boolean afterUnlock = onOtherThread(() -> {
                boolean got = lock.tryLock();
                if (got) {
                    lock.unlock();
                }
                return got;
            });
            assertThat(afterUnlock).isTrue();
        }

        @Test
        void tryLockWithTimeout_returnsFalse_whenHeldElsewhere() throws Exception {
            String r = resource("view");
            Lock lock = manager.asLock(r);
            try (Holder h = Holder.hold(manager, r)) {
                assertThat(lock.tryLock(100, TimeUnit.MILLISECONDS)).isFalse();
                assertThat(lock.tryLock()).isFalse();
            }
            assertThat(lock.tryLock(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            lock.unlock();
        }

        @Test
        void unlock_withoutHold_isRejected() {
            Lock lock = manager.asLock(resource("view"));
            assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        }

        @Test
        void lock_isReentrant() {
            String r = resource("view");
            Lock lock = manager.asLock(r);
            lock.lock();
            lock.lock();
            lock.unlock();
            assertThat(onOtherThread(() -> manager.tryAcquire(r))).isEmpty();
            lock.unlock();
            assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        }

        @Test
        void newCondition_isUnsupported() {
            assertThatThrownBy(() -> manager.asLock(resource("view")).newCondition())
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    /** {@link LockManager#withLock}. */
    @Nested
    class WithLock {

        @Test
        void returnsBodyResult_underHeldLease() throws Exception {
            String r = resource("with");
            String result = manager.withLock(r, PATIENCE, lease -> {
                assertThat(lease.isHeld()).isTrue();
                assertThat(onOtherThread(() -> manager.tryAcquire(r))).isEmpty();
                return "done";
            });
            assertThat(result).isEqualTo("done");
            assertThat(manager.inspect(r)).isEmpty();
        }

        @Test
        void releasesOnRuntimeException_andPropagatesItUnchanged() {
            String r = resource("with");
            IllegalStateException boom = new IllegalStateException("boom");
            AtomicReference<Lease> seen = new AtomicReference<>();
            assertThatThrownBy(() -> manager.withLock(r, PATIENCE, lease -> {
                seen.set(lease);
                throw boom;
            })).isSameAs(boom);
            assertThat(seen.get().isHeld()).isFalse();
            assertThat(onOtherThread(() -> manager.tryAcquire(r).map(l -> l.release()))).hasValue(true);
        }

        @Test
        void releasesOnCheckedException_andPropagatesItUnchanged() {
            String r = resource("with");
            IOException io = new IOException("disk");
            assertThatThrownBy(() -> manager.<Void, IOException>withLock(r, PATIENCE, lease -> {
                throw io;
            })).isSameAs(io);
            assertThat(onOtherThread(() -> manager.tryAcquire(r).map(l -> l.release()))).hasValue(true);
        }

        @Test
        void releasesOnError() {
            String r = resource("with");
            AssertionError err = new AssertionError("err");
            assertThatThrownBy(() -> manager.withLock(r, PATIENCE, lease -> {
                throw err;
            })).isSameAs(err);
            assertThat(onOtherThread(() -> manager.tryAcquire(r).map(l -> l.release()))).hasValue(true);
        }
    }

    /** {@link LockManager#inspect}. */
    @Nested
    class Inspect {

        @Test
        void inspect_whenFree_isEmpty() {
            assertThat(manager.inspect(resource("never"))).isEmpty();
        }

        @Test
        void inspect_whenHeld_namesHolderAndToken() throws Exception {
            String r = resource("inspect");
            try (Lease lease = manager.acquire(r, PATIENCE)) {
                LockInfo info = manager.inspect(r).orElseThrow();
                assertThat(info.resource()).isEqualTo(r);
                assertThat(info.holder()).isNotBlank();
                assertThat(info.fencingToken()).isEqualTo(lease.fencingToken());
                assertThat(onOtherThread(() -> manager.inspect(r))).get()
                        .extracting(LockInfo::fencingToken).isEqualTo(lease.fencingToken());
            }
            assertThat(manager.inspect(r)).isEmpty();
        }

        @Test
        void inspect_fromOtherManager_seesTheHolder() throws Exception {
            requireSharingManagers();
            LockManager other = track(newManager());
            String r = resource("inspect-shared");
            try (Lease lease = manager.acquire(r, PATIENCE)) {
                LockInfo info = other.inspect(r).orElseThrow();
                assertThat(info.holder()).isNotBlank();
                assertThat(info.fencingToken()).isIn(0L, lease.fencingToken());
            }
            assertThat(other.inspect(r)).isEmpty();
        }

        @Test
        void heldLocks_listsThisManagersHolds_onceEach_withTokens() throws Exception {
            String a = resource("held-a");
            String b = resource("held-b");
            try (Lease la = manager.acquire(a, PATIENCE); Lease nested = manager.acquire(a, PATIENCE);
                    Holder hb = Holder.hold(manager, b)) {
                assertThat(manager.heldLocks()).filteredOn(i -> i.resource().startsWith(resource("held-")))
                        .extracting(LockInfo::resource, LockInfo::fencingToken)
                        .containsExactlyInAnyOrder(tuple(a, la.fencingToken()),
                                tuple(b, hb.lease().fencingToken()));
                hb.release();
            }
            assertThat(manager.heldLocks()).noneMatch(i -> i.resource().startsWith(resource("held-")));
        }
    }

    /** The name rule, and names that stress encodings. */
    @Nested
    class Names {

        @Test
        void nullName_isRejected() {
            assertThatThrownBy(() -> manager.acquire(null, PATIENCE))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("null");
            assertThatThrownBy(() -> manager.tryAcquire(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> manager.inspect(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> manager.asLock(null)).isInstanceOf(NullPointerException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "a\nb", "tab\there", "nul\u0000", "del\u007f", "c1\u0085"})
        void invalidName_isRejected_statingTheRule(String name) {
            String rule = name.isEmpty() ? "1 to 256" : "control";
            assertThatThrownBy(() -> manager.acquire(name, PATIENCE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> manager.tryAcquire(name))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> manager.inspect(name))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> manager.withLock(name, PATIENCE, l -> null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> manager.asLock(name))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
        }

        @Test
        void name_of257Chars_isRejected_and256IsAccepted() throws Exception {
            String base = resource("");
            String ok = base + "x".repeat(256 - base.length());
            assertThatThrownBy(() -> manager.acquire(ok + "x", PATIENCE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 to 256").hasMessageContaining("257");
            try (Lease lease = manager.acquire(ok, PATIENCE)) {
                assertThat(lease.resource()).isEqualTo(ok);
                assertThat(manager.inspect(ok)).isPresent();
            }
            String unicode = "ü".repeat(256);
            try (Lease lease = manager.acquire(unicode, PATIENCE)) {
                assertThat(lease.isHeld()).isTrue();
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"job-\uD83D", "job-\uDE00", "\uDE00\uD83D-job", "a\uD83Db"})
        void unpairedSurrogate_isRejected(String name) {
            String rule = "unpaired surrogate";
            assertThatThrownBy(() -> manager.acquire(name, PATIENCE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> manager.tryAcquire(name))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> manager.inspect(name))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> manager.asLock(name))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
        }

        @Test
        void surrogatePairs_areDistinctLocks_fromEachOtherAndFromQuestionMarks() {
            List<String> names = List.of(resource("job-\uD83D\uDE00"), resource("job-\uD83D\uDE01"),
                    resource("job-?"), resource("job-??"));
            List<Holder> holders = new ArrayList<>();
            try {
                for (String n : names) {
                    holders.add(Holder.hold(manager, n));
                }
                for (int i = 0; i < names.size(); i++) {
                    assertThat(manager.inspect(names.get(i))).get().extracting(LockInfo::fencingToken)
                            .isEqualTo(holders.get(i).lease().fencingToken());
                }
            } finally {
                holders.forEach(Holder::close);
            }
        }

        @Test
        void hostileNames_areDistinctLocks_heldAtTheSameTime() {
            List<String> names = List.of("a/b", "a_b", "a%2Fb", "a%2fb", "a\\b", "..", ".", "CON",
                    "con", "NUL.txt", "{x}", "{x}y", "*", "?", "a b", "A", "a", "~a", "ünï", "日本語",
                    "😀", "-", "_", "%", "%25");
            List<String> unique = new ArrayList<>();
            for (String n : names) {
                unique.add(resource(n));
            }
            unique.addAll(names); // the bare names too, exactly as written
            List<Holder> holders = new ArrayList<>();
            try {
                for (String n : unique) {
                    holders.add(Holder.hold(manager, n));
                }
                for (int i = 0; i < unique.size(); i++) {
                    String n = unique.get(i);
                    assertThat(manager.tryAcquire(n)).as("'%s' while its holder holds it", n).isEmpty();
                    assertThat(manager.inspect(n)).as("inspect '%s'", n).get()
                            .extracting(LockInfo::fencingToken)
                            .isEqualTo(holders.get(i).lease().fencingToken());
                }
                for (Holder h : holders) {
                    assertThat(h.release()).isTrue();
                }
                for (String n : unique) {
                    manager.tryAcquire(n).orElseThrow(() -> new AssertionError("'" + n + "' not free"))
                            .release();
                }
            } finally {
                holders.forEach(Holder::close);
            }
        }
    }

    private void requireSharingManagers() {
        Assumptions.assumeTrue(managersShareLocks(), () -> "two managers of " + manager.backend()
                + " do not exclude each other: the cross-manager specification does not apply");
    }

    private void requireShared() {
        Assumptions.assumeTrue(sharedLocks(), () -> manager.backend()
                + " has no shared locks: the shared-lock specification does not apply");
    }

    private static long sharedToken(LockManager m, String r) throws InterruptedException {
        try (Lease lease = m.acquireShared(r, PATIENCE)) {
            return lease.fencingToken();
        }
    }

    private static long exclusiveToken(LockManager m, String r) throws InterruptedException {
        try (Lease lease = m.acquire(r, PATIENCE)) {
            return lease.fencingToken();
        }
    }

    /** Shared locks with writer preference ({@link LockManager#acquireShared}). */
    @Nested
    class SharedLocks {

        @Test
        void readers_reallyOverlap_withDistinctTokens() {
            requireShared();
            List<LockManager> ms = stressManagers();
            int readers = 4;
            String r = resource("overlap");
            CyclicBarrier allInside = new CyclicBarrier(readers);
            List<Long> tokens = Race.run(readers, PATIENCE.toSeconds() * 3, i -> {
                try (Lease lease = ms.get(i % ms.size()).acquireShared(r, PATIENCE)) {
                    allInside.await(PATIENCE.toSeconds(), TimeUnit.SECONDS); // all hold at once
                    assertThat(lease.isHeld()).isTrue();
                    return lease.fencingToken();
                }
            });
            assertThat(new HashSet<>(tokens)).as("tokens of concurrent shared grants").hasSize(readers);
        }

        @Test
        void writer_excludesReaders_andReaders_excludeWriter() throws Exception {
            requireShared();
            String r = resource("excludes");
            LockManager other = managersShareLocks() ? track(newManager()) : manager;
            long writerToken;
            Waiter<Long> reader;
            try (Holder writer = Holder.hold(manager, r)) {
                writerToken = writer.lease().fencingToken();
                assertThat(onOtherThread(() -> manager.tryAcquireShared(r))).isEmpty();
                assertThat(onOtherThread(() -> other.tryAcquireShared(r))).isEmpty();
                reader = Waiter.start("reader", () -> sharedToken(other, r)).awaitBlocked();
                assertThat(writer.release()).isTrue();
            }
            assertThat(reader.get()).isGreaterThan(writerToken);
            try (Holder shared = Holder.holdShared(other, r)) {
                assertThat(onOtherThread(() -> manager.tryAcquire(r))).isEmpty();
                Waiter<Long> writer = Waiter.start("writer", () -> exclusiveToken(manager, r))
                        .awaitBlocked();
                long readerToken = shared.lease().fencingToken();
                assertThat(shared.release()).isTrue();
                assertThat(writer.get()).isGreaterThan(readerToken);
            }
        }

        @ParameterizedTest(name = "writer on another manager: {0}")
        @ValueSource(booleans = {false, true})
        void readerArrivingAfterAWaitingWriter_waitsForIt(boolean writerElsewhere) {
            requireShared();
            String r = resource("preference-" + writerElsewhere);
            LockManager writerManager = writerElsewhere && managersShareLocks()
                    ? track(newManager()) : manager;
            try (Holder first = Holder.holdShared(manager, r)) {
                Waiter<Long> writer = Waiter.start("writer", () -> exclusiveToken(writerManager, r))
                        .awaitBlocked();
                assertThat(onOtherThread(() -> manager.tryAcquireShared(r)))
                        .as("a shared attempt while an exclusive request waits").isEmpty();
                Waiter<Long> late = Waiter.start("late-reader", () -> sharedToken(manager, r))
                        .awaitBlocked();
                assertThat(writer.isDone()).isFalse();
                assertThat(first.release()).isTrue();
                long writerToken = writer.get();
                assertThat(late.get()).as("the late reader is served after the writer")
                        .isGreaterThan(writerToken);
            }
        }

        @Test
        void continuousReaders_neverStarveAWriter() {
            requireShared();
            List<LockManager> ms = stressManagers();
            int readers = 4;
            int maxRounds = 20_000; // bounds the run if the writer starves: then readers use them all
            String r = resource("starve");
            AtomicBoolean writerDone = new AtomicBoolean();
            CountDownLatch reading = new CountDownLatch(readers);
            List<Integer> rounds = Race.run(readers + 1, PATIENCE.toSeconds() * 6, i -> {
                if (i == readers) {
                    reading.await();
                    try (Lease lease = manager.acquire(r, PATIENCE.multipliedBy(3))) {
                        writerDone.set(true);
                    }
                    return 0;
                }
                LockManager m = ms.get(i % ms.size());
                int n = 0;
                for (; n < maxRounds && !writerDone.get(); n++) {
                    try (Lease lease = m.acquireShared(r, PATIENCE.multipliedBy(3))) {
                        if (n == 0) {
                            reading.countDown();
                        }
                        LockSupport.parkNanos(100_000); // readers overlap: the lock is never free
                    }
                }
                return n;
            });
            assertThat(rounds.subList(0, readers)).as("reader rounds when the writer got the lock"
                    + " (all %d: the writer waited for the readers to stop)", maxRounds)
                    .allMatch(n -> n < maxRounds);
        }

        @Test
        void mixedStress_noTornValue_andTokensIncreaseAcrossModes() {
            requireShared();
            List<LockManager> ms = stressManagers();
            int threads = Math.min(8, threadsFor(ms));
            int perThread = Math.max(4, stressAcquisitions() / threads / 2);
            String r = resource("mixed");
            AtomicLongArray cell = new AtomicLongArray(2); // written in two steps under the lock
            AtomicLong maxWriter = new AtomicLong(Long.MIN_VALUE);
            AtomicLong maxAny = new AtomicLong(Long.MIN_VALUE);
            AtomicReference<String> violation = new AtomicReference<>();
            Race.run(threads, PATIENCE.toSeconds() * 6, i -> {
                LockManager m = ms.get(i % ms.size());
                for (int n = 0; n < perThread; n++) {
                    if ((n + i) % 4 == 0) {
                        try (Lease lease = m.acquire(r, PATIENCE)) {
                            long t = lease.fencingToken();
                            if (t <= maxAny.get()) {
                                violation.compareAndSet(null, "exclusive token " + t + " after " + maxAny.get());
                            }
                            maxWriter.accumulateAndGet(t, Math::max);
                            maxAny.accumulateAndGet(t, Math::max);
                            long v = cell.get(0) + 1;
                            cell.set(0, v);
                            Thread.yield();
                            cell.set(1, v);
                        }
                    } else {
                        try (Lease lease = m.acquireShared(r, PATIENCE)) {
                            long t = lease.fencingToken();
                            if (t <= maxWriter.get()) {
                                violation.compareAndSet(null, "shared token " + t + " after exclusive " + maxWriter.get());
                            }
                            maxAny.accumulateAndGet(t, Math::max);
                            long a = cell.get(0);
                            Thread.yield();
                            long b = cell.get(1);
                            if (a != b) {
                                violation.compareAndSet(null, "torn value " + a + "/" + b);
                            }
                        }
                    }
                }
                return null;
            });
            assertThat(violation.get()).as("first violation").isNull();
        }

        @Test
        void sharedReentry_keepsTheToken_andFreesAfterTheLastLease() throws Exception {
            requireShared();
            String r = resource("shared-reentry");
            Lease outer = manager.acquireShared(r, PATIENCE);
            Lease inner = manager.acquireShared(r, PATIENCE);
            assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
            assertThat(inner.release()).isTrue();
            assertThat(outer.isHeld()).isTrue();
            assertThat(onOtherThread(() -> manager.tryAcquire(r))).isEmpty();
            assertThat(outer.release()).isTrue();
            assertThat(onOtherThread(() -> manager.tryAcquire(r).map(Lease::release))).hasValue(true);
        }

        @Test
        void exclusiveHolder_mayAcquireShared_asPartOfItsHold() throws Exception {
            requireShared();
            String r = resource("downgrade");
            Lease exclusive = manager.acquire(r, PATIENCE);
            Lease shared = manager.tryAcquireShared(r).orElseThrow();
            assertThat(shared.fencingToken()).isEqualTo(exclusive.fencingToken());
            assertThat(exclusive.release()).isTrue();
            assertThat(onOtherThread(() -> manager.tryAcquireShared(r)))
                    .as("still held exclusively by the remaining lease").isEmpty();
            assertThat(shared.release()).isTrue();
            assertThat(onOtherThread(() -> manager.tryAcquire(r).map(Lease::release))).hasValue(true);
        }

        @Test
        void upgrade_isRefused_neverDeadlocks() throws Exception {
            requireShared();
            String r = resource("upgrade");
            try (Lease shared = manager.acquireShared(r, PATIENCE)) {
                assertThatThrownBy(() -> manager.acquire(r, PATIENCE))
                        .isInstanceOf(IllegalMonitorStateException.class)
                        .hasMessageContaining("shared").hasMessageContaining("upgrade");
                assertThatThrownBy(() -> manager.tryAcquire(r))
                        .isInstanceOf(IllegalMonitorStateException.class);
                assertThat(shared.isHeld()).isTrue();
            }
            assertThat(onOtherThread(() -> manager.tryAcquire(r).map(Lease::release))).hasValue(true);
        }

        @Test
        void lostSharedLease_isReported() throws Exception {
            requireShared();
            LockManager m = track(newManager());
            String r = resource("shared-lost");
            Lease lease = m.acquireShared(r, PATIENCE);
            AtomicInteger calls = new AtomicInteger();
            lease.onLost(calls::incrementAndGet);
            m.close();
            assertThat(lease.isHeld()).isFalse();
            assertThat(calls).hasValue(1);
            assertThatThrownBy(lease::ensureHeld).isInstanceOf(LeaseLostException.class);
            assertThat(lease.release()).isFalse();
            if (managersShareLocks()) {
                assertThat(exclusiveToken(track(newManager()), r)).isGreaterThan(lease.fencingToken());
            }
        }

        @Test
        void readWriteLockView_sharesHoldsWithTheManager() {
            requireShared();
            String r = resource("rw-view");
            ReadWriteLock rw = manager.asReadWriteLock(r);
            rw.readLock().lock();
            try {
                assertThat(onOtherThread(() -> {
                    boolean got = rw.readLock().tryLock();
                    if (got) {
                        rw.readLock().unlock();
                    }
                    return got;
                })).as("second reader").isTrue();
                assertThat(onOtherThread(() -> rw.writeLock().tryLock())).as("writer").isFalse();
            } finally {
                rw.readLock().unlock();
            }
            assertThat(onOtherThread(() -> manager.tryAcquire(r).map(Lease::release))).hasValue(true);
        }

        @Test
        void inspect_whileHeldShared_showsAHolder() throws Exception {
            requireShared();
            String r = resource("inspect-shared");
            try (Holder reader = Holder.holdShared(manager, r)) {
                assertThat(manager.inspect(r)).as("inspect by the holder's manager").isPresent();
                if (managersShareLocks()) {
                    assertThat(track(newManager()).inspect(r)).as("inspect by another manager")
                            .isPresent();
                }
                assertThat(reader.release()).isTrue();
            }
            assertThat(manager.inspect(r)).isEmpty();
        }

        @Test
        void sharedRequests_areRefusedClearly_whereUnsupported() {
            Assumptions.assumeFalse(sharedLocks(), "the backend has shared locks");
            String r = resource("no-shared");
            assertThatThrownBy(() -> manager.acquireShared(r, PATIENCE))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("shared");
            assertThatThrownBy(() -> manager.tryAcquireShared(r))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    /** Several resources at once ({@link LockManager#acquireAll}). */
    @Nested
    class MultiLocks {

        @Test
        void acquireAll_coversEveryResource_inOrder_andReleasesThemTogether() throws Exception {
            String a = resource("all-a");
            String b = resource("all-b");
            String c = resource("all-c");
            Lease all = manager.acquireAll(List.of(c, a, b, a), PATIENCE);
            assertThat(all.resources()).containsExactly(a, b, c);
            assertThat(all.fencingToken(a)).isNotEqualTo(0L);
            assertThatThrownBy(all::fencingToken).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("fencingToken(String");
            assertThatThrownBy(() -> all.fencingToken(resource("all-d")))
                    .isInstanceOf(IllegalArgumentException.class);
            for (String r : List.of(a, b, c)) {
                assertThat(onOtherThread(() -> manager.tryAcquire(r))).as(r).isEmpty();
            }
            assertThat(all.release()).isTrue();
            assertThat(all.isHeld()).isFalse();
            for (String r : List.of(a, b, c)) {
                assertThat(onOtherThread(() -> manager.tryAcquire(r).map(Lease::release)))
                        .as(r).hasValue(true);
            }
            try (Lease one = manager.acquireAll(List.of(a), PATIENCE)) {
                assertThat(one.fencingToken()).isEqualTo(one.fencingToken(a));
            }
            assertThatThrownBy(() -> manager.acquireAll(List.of(), PATIENCE))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void oppositeOrders_neverDeadlock() {
            List<LockManager> ms = stressManagers();
            String a = resource("order-a");
            String b = resource("order-b");
            int rounds = Math.max(20, stressAcquisitions() / 20);
            AtomicLongArray pair = new AtomicLongArray(2);
            Race.run(4, PATIENCE.toSeconds() * 6, i -> {
                LockManager m = ms.get(i % ms.size());
                List<String> order = i % 2 == 0 ? List.of(a, b) : List.of(b, a);
                for (int n = 0; n < rounds; n++) {
                    try (Lease both = m.acquireAll(order, PATIENCE)) {
                        long v = pair.get(0) + 1;
                        pair.set(0, v);
                        Thread.yield();
                        pair.set(1, v);
                    }
                }
                return null;
            });
            assertThat(pair.get(0)).isEqualTo(4L * rounds).isEqualTo(pair.get(1));
        }

        @Test
        void partialAcquisition_isRolledBack_onTimeout() throws Exception {
            String a = resource("partial-a");
            String b = resource("partial-b");
            try (Holder h = Holder.hold(manager, b)) {
                assertThatThrownBy(() -> manager.acquireAll(Arrays.asList(b, a), Duration.ofMillis(200)))
                        .isInstanceOf(LockTimeoutException.class).hasMessageContaining(b);
                assertThat(onOtherThread(() -> manager.tryAcquire(a).map(Lease::release)))
                        .as("the resource taken before the timeout was released").hasValue(true);
                assertThat(h.release()).isTrue();
            }
        }
    }

    /** Pauses the calling thread, keeping the interrupt flag. */
    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
