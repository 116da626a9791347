package io.holdfast.lock.internal.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockTimeoutException;
import io.holdfast.lock.LockUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dual composition on two test backends: one store stands for files, one for Redis. */
@SuppressWarnings("try") // leases held for a block need no reference
class DualLockManagerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final MemoryLockManager.Store fileStore = new MemoryLockManager.Store();
    private final MemoryLockManager.Store newStore = new MemoryLockManager.Store();
    private final List<LockManager> managers = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    private MemoryLockManager file() {
        return track(new MemoryLockManager("file", fileStore, events::add));
    }

    private MemoryLockManager fresh() {
        return track(new MemoryLockManager("redis", newStore, events::add));
    }

    private DualLockManager dual(MemoryLockManager first, MemoryLockManager second) {
        return track(DualLockManager.of(first, second, null));
    }

    private <M extends LockManager> M track(M m) {
        managers.add(m);
        return m;
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
        managers.forEach(LockManager::close);
    }

    @Test
    void acquire_takesFileLockFirst_releasesInReverseOrder_tokenFromNewBackend() throws Exception {
        DualLockManager dual = dual(file(), fresh());
        assertThat(dual.backend()).isEqualTo("dual(file+redis)");
        long before;
        try (Lease probe = managers.get(1).acquire("r", PATIENCE)) {
            before = probe.fencingToken();
        }
        events.clear();
        Lease lease = dual.acquire("r", PATIENCE);
        assertThat(lease.fencingToken()).isEqualTo(before + 1);
        assertThat(lease.isHeld()).isTrue();
        assertThat(lease.release()).isTrue();
        assertThat(events).containsExactly("grant file r", "grant redis r",
                "raise file r " + lease.fencingToken(), "revoke redis r", "revoke file r");
    }

    @Test
    void tokens_keepIncreasing_fromDualToFileOnlyInstances() throws Exception {
        MemoryLockManager legacy = file();
        DualLockManager dual = dual(file(), fresh());
        List<Long> tokens = new ArrayList<>();
        for (LockManager m : List.of(legacy, dual, legacy, dual, legacy)) {
            if (m == dual) {
                synchronized (newStore) { // the new backend's tokens run far ahead (Redis: µs of its clock)
                    newStore.tokens.merge("r", 1_000_000L, Long::sum);
                }
            }
            try (Lease l = m.acquire("r", PATIENCE)) {
                tokens.add(l.fencingToken());
            }
        }
        assertThat(tokens).as("tokens of false, dual, false, dual, false").isSortedAccordingTo(Long::compare)
                .doesNotHaveDuplicates();
        assertThat(tokens.get(1)).as("dual leases carry the new backend's token").isEqualTo(1_000_001L);
    }

    @Test
    void withTokensOfFirst_leasesCarryTheFileTokens_sharedByEveryInstance() throws Exception {
        // each "process" has its own in-process second backend, whose tokens would repeat
        DualLockManager a = track(DualLockManager.withTokensOfFirst(file(),
                new MemoryLockManager("local", new MemoryLockManager.Store(), events::add), null));
        DualLockManager b = track(DualLockManager.withTokensOfFirst(file(),
                new MemoryLockManager("local", new MemoryLockManager.Store(), events::add), null));
        MemoryLockManager legacy = file();
        List<Long> tokens = new ArrayList<>();
        for (LockManager m : List.of(a, b, legacy, a, b, legacy)) {
            try (Lease l = m.acquire("r", PATIENCE)) {
                tokens.add(l.fencingToken());
                assertThat(a.inspect("r")).get().extracting(i -> i.fencingToken()).isEqualTo(l.fencingToken());
            }
        }
        assertThat(tokens).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(events).noneMatch(e -> e.startsWith("raise"));
    }

    @Test
    void tryAcquire_byInterruptedThread_isAnsweredLikeTheFileBackend_neverIllegalState() throws Exception {
        MemoryLockManager second = fresh();
        second.mem.failsWhenInterrupted = true; // as a Redis call on an interrupted thread
        DualLockManager dual = dual(file(), second);
        for (LockManager m : List.of(dual, second)) {
            Thread.currentThread().interrupt();
            try {
                Lease l = m.tryAcquire("r").orElseThrow();
                assertThat(Thread.currentThread().isInterrupted()).as("%s keeps the flag", m.backend()).isTrue();
                assertThat(l.release()).isTrue();
            } finally {
                Thread.interrupted();
            }
        }
    }

    @Test
    void reentrantAcquire_isANewLeaseOfTheSameHold_withoutBackendCalls() throws Exception {
        DualLockManager dual = dual(file(), fresh());
        try (Lease outer = dual.acquire("r", PATIENCE)) {
            events.clear();
            Lease inner = dual.acquire("r", PATIENCE);
            assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
            assertThat(dual.tryAcquire("r")).isPresent().get().satisfies(Lease::release);
            inner.release();
            assertThat(events).isEmpty();
            assertThat(runElsewhere(() -> file().tryAcquire("r").isPresent())).isFalse();
        }
        assertThat(events).containsExactly("revoke redis r", "revoke file r");
    }

    @Test
    void excludes_fileOnlyInstances_and_newOnlyInstances() throws Exception {
        DualLockManager dual = dual(file(), fresh());
        MemoryLockManager legacy = file();
        MemoryLockManager upgraded = fresh();
        try (Lease held = dual.acquire("r", PATIENCE)) {
            assertThat(runElsewhere(() -> legacy.tryAcquire("r").isPresent())).isFalse();
            assertThat(runElsewhere(() -> upgraded.tryAcquire("r").isPresent())).isFalse();
        }
        try (Lease l = legacy.acquire("r", PATIENCE)) {
            assertThat(runElsewhere(() -> dual.tryAcquire("r").isPresent())).isFalse();
        }
        try (Lease l = upgraded.acquire("r", PATIENCE)) {
            assertThat(runElsewhere(() -> dual.tryAcquire("r").isPresent())).isFalse();
        }
    }

    @Test
    void tryAcquire_whenNewBackendBusy_releasesTheFileLock() throws Exception {
        DualLockManager dual = dual(file(), fresh());
        MemoryLockManager upgraded = fresh();
        try (Lease l = upgraded.acquire("r", PATIENCE)) {
            events.clear();
            assertThat(runElsewhere(() -> dual.tryAcquire("r"))).isEmpty();
            assertThat(events).containsExactly("grant file r", "revoke file r");
            assertThat(file().tryAcquire("r")).isPresent().get().satisfies(Lease::release);
        }
    }

    @Test
    void acquire_usesOneDeadlineAcrossBoth_andReleasesTheFileLockOnTimeout() throws Exception {
        MemoryLockManager second = fresh();
        DualLockManager dual = dual(file(), second);
        MemoryLockManager legacy = file();
        MemoryLockManager upgraded = fresh();
        CountDownLatch fileHeld = new CountDownLatch(1);
        // the file lock is busy for part of the wait, then the new lock stays busy past it
        Future<?> fileHolder = pool.submit(() -> {
            try (Lease l = legacy.acquire("r", PATIENCE)) {
                fileHeld.countDown();
                Thread.sleep(300);
            }
            return null;
        });
        Lease newHeld = upgraded.acquire("r", PATIENCE);
        fileHeld.await();
        long start = System.nanoTime();
        assertThatThrownBy(() -> dual.acquire("r", Duration.ofMillis(800)))
                .isInstanceOf(LockTimeoutException.class).hasMessageContaining("lock 'r' not acquired within 800ms");
        fileHolder.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        // one deadline: the second backend was given what the first left, not a fresh 800ms
        long overall = start + Duration.ofMillis(800).toNanos();
        assertThat(Duration.ofNanos(second.mem.lastDeadline - overall)).isLessThan(Duration.ofMillis(100));
        assertThat(runElsewhere(() -> legacy.tryAcquire("r").map(Lease::release).orElse(false))).isTrue();
        newHeld.release();
        assertThat(dual.acquire("r", PATIENCE).release()).isTrue();
    }

    @Test
    void failureOfTheNewBackend_releasesTheFileLock_andPropagates() throws Exception {
        MemoryLockManager second = fresh();
        DualLockManager dual = dual(file(), second);
        second.mem.unavailable = true;
        assertThatThrownBy(() -> dual.acquire("r", PATIENCE)).isInstanceOf(LockUnavailableException.class);
        assertThat(runElsewhere(() -> file().tryAcquire("r").map(Lease::release).orElse(false))).isTrue();
        second.mem.unavailable = false;
        assertThat(dual.acquire("r", PATIENCE).release()).isTrue();
    }

    @Test
    void lossOfTheNewLease_losesTheDualLease_andReleaseStillFreesTheFileLock() throws Exception {
        MemoryLockManager second = fresh();
        DualLockManager dual = dual(file(), second);
        AtomicInteger lostCalls = new AtomicInteger();
        Lease lease = dual.acquire("r", PATIENCE);
        lease.onLost(lostCalls::incrementAndGet);
        second.loseAll();
        assertThat(lease.isHeld()).isFalse();
        assertThat(lostCalls).hasValue(1);
        assertThatThrownBy(lease::ensureHeld).hasMessageContaining("its redis lock was lost");
        assertThat(runElsewhere(() -> file().tryAcquire("r").isPresent())).isFalse();
        assertThat(lease.release()).isFalse();
        assertThat(runElsewhere(() -> file().tryAcquire("r").map(Lease::release).orElse(false))).isTrue();
        assertThat(dual.acquire("r", PATIENCE).release()).isTrue();
    }

    @Test
    void lossOfTheFileLease_losesTheDualLease() throws Exception {
        MemoryLockManager first = file();
        DualLockManager dual = dual(first, fresh());
        Lease lease = dual.acquire("r", PATIENCE);
        first.loseAll();
        assertThat(lease.isHeld()).isFalse();
        assertThatThrownBy(lease::ensureHeld).hasMessageContaining("its file lock was lost");
        lease.release();
        assertThat(runElsewhere(() -> fresh().tryAcquire("r").map(Lease::release).orElse(false))).isTrue();
    }

    @Test
    void inspect_showsTheNewBackendsHolder_orElseTheFileHolder() throws Exception {
        DualLockManager dual = dual(file(), fresh());
        assertThat(dual.inspect("r")).isEmpty();
        try (Lease l = dual.acquire("r", PATIENCE)) {
            assertThat(dual.inspect("r")).hasValueSatisfying(i -> {
                assertThat(i.holder()).startsWith("redis/");
                assertThat(i.fencingToken()).isEqualTo(l.fencingToken());
            });
        }
        try (Lease l = file().acquire("r", PATIENCE)) {
            assertThat(dual.inspect("r")).hasValueSatisfying(i -> assertThat(i.holder()).startsWith("file/"));
        }
    }

    @Test
    void close_closesBothManagers() {
        MemoryLockManager first = file();
        MemoryLockManager second = fresh();
        dual(first, second).close();
        assertThat(first.mem.closedBackend).isTrue();
        assertThat(second.mem.closedBackend).isTrue();
    }

    @Test
    void stress_dualAndSingleBackendInstances_neverOverlap() throws Exception {
        List<LockManager> mix = List.of(dual(file(), fresh()), dual(file(), fresh()), file(), fresh());
        AtomicBoolean inside = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicLong counter = new AtomicLong();
        List<Future<?>> workers = new ArrayList<>();
        int perWorker = 300;
        // dual with file-only and with new-only; file-only and new-only together would not exclude
        // (that is the unsafe rollout this design avoids), so each single-backend manager gets
        // its own phase beside the dual ones
        for (LockManager single : List.of(mix.get(2), mix.get(3))) {
            workers.clear();
            for (LockManager m : List.of(mix.get(0), mix.get(1), single)) {
                for (int t = 0; t < 2; t++) {
                    workers.add(pool.submit(() -> {
                        for (int i = 0; i < perWorker; i++) {
                            try (Lease l = m.acquire("counter", PATIENCE)) {
                                if (!inside.compareAndSet(false, true)) {
                                    overlaps.incrementAndGet();
                                }
                                long v = counter.get();
                                Thread.yield();
                                counter.set(v + 1);
                                inside.set(false);
                            }
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> w : workers) {
                w.get(2, TimeUnit.MINUTES);
            }
        }
        assertThat(overlaps).hasValue(0);
        assertThat(counter).hasValue(2L * 3 * 2 * perWorker);
    }

    private <T> T runElsewhere(java.util.concurrent.Callable<T> task) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return task.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, pool).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
}
