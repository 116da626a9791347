package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.spi.ComposedLockManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

class LocalLockManagerTest {

    /**
     * How many idle entries a manager keeps mapped for reuse (spi.IdleEntries.SIZE): whatever
     * the number of names used, no more per-resource state than this stays.
     */
    private static final int IDLE = 64;

    @Test
    void sharedHolds_ofManyResources_leaveOnlyTheBoundedIdleEntries() throws Exception {
        try (LocalLockManager locks = LocalLockManager.create()) {
            Map<Object, Object> entries = entries(locks);
            Lease kept = locks.acquireShared("kept", Duration.ZERO);
            for (int i = 0; i < 100_000; i++) {
                Lease outer = locks.acquireShared("resource-" + i, Duration.ZERO);
                locks.acquireShared("resource-" + i, Duration.ZERO).release();
                outer.release();
            }
            assertThat(entries).as("per-resource state after release").containsKey("kept")
                    .hasSizeLessThanOrEqualTo(IDLE + 1);
            kept.release();
            assertThat(entries).hasSizeLessThanOrEqualTo(IDLE);
        }
    }

    @Test
    void lostSharedLease_isCounted_likeAnExclusiveOne() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LocalLockManager locks = LocalLockManager.create(
                LocalLockSettings.builder().meterRegistry(registry).build());
        Lease shared = locks.acquireShared("config", Duration.ZERO);
        Lease exclusive = locks.acquire("state", Duration.ZERO);
        locks.close();
        assertThat(shared.isHeld()).isFalse();
        assertThat(exclusive.isHeld()).isFalse();
        assertThat(registry.get(LockMetricNames.LOST).counter().count()).isEqualTo(2.0);
    }

    @Test
    void millionDistinctResources_acquiredAndReleased_leaveOnlyTheBoundedIdleEntries()
            throws Exception {
        try (LocalLockManager locks = LocalLockManager.create()) {
            Map<Object, Object> entries = entries(locks);
            Lease kept = locks.acquire("kept", Duration.ZERO);
            for (int i = 0; i < 1_000_000; i++) {
                locks.acquire("resource-" + i, Duration.ZERO).release();
            }
            assertThat(entries).as("per-resource state after release").containsKey("kept")
                    .hasSizeLessThanOrEqualTo(IDLE + 1);
            kept.release();
            assertThat(entries).hasSizeLessThanOrEqualTo(IDLE);
        }
    }

    @Test
    void timedOutAndTriedAcquires_leaveOnlyTheBoundedIdleEntries() throws Exception {
        try (LocalLockManager locks = LocalLockManager.create()) {
            Lease held = locks.acquire("busy", Duration.ZERO);
            Thread t = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    assertThat(locks.tryAcquire("busy")).isEmpty();
                }
            });
            t.start();
            t.join();
            held.release();
            assertThat(entries(locks)).hasSizeLessThanOrEqualTo(IDLE);
        }
    }

    @Test
    void resourceUsedAgain_reusesItsEntry() throws Exception {
        try (LocalLockManager locks = LocalLockManager.create()) {
            locks.acquire("r", Duration.ZERO).release();
            Object entry = entries(locks).get("r");
            Lease again = locks.acquire("r", Duration.ZERO);
            assertThat(entries(locks).get("r")).isSameAs(entry);
            assertThat(again.fencingToken()).isEqualTo(2);
            again.release();
        }
    }

    @Test
    void threadsJoiningAndLeavingTheSameEntries_keepExclusion_andLeaveOnlyIdleEntries()
            throws Exception {
        joinAndLeave(new String[] {"a", "b"});
    }

    /**
     * More names than the idle ring holds: entries are pushed out of the ring and unmapped while
     * other threads join them, the race a dead entry must never win.
     */
    @Test
    void threadsJoiningAndLeavingEntriesThatDie_keepExclusion() throws Exception {
        String[] names = new String[3 * IDLE];
        for (int i = 0; i < names.length; i++) {
            names[i] = "n" + i;
        }
        joinAndLeave(names);
    }

    private static void joinAndLeave(String[] names) throws Exception {
        int threads = 4;
        int rounds = 20_000;
        AtomicReferenceArray<Thread> inside = new AtomicReferenceArray<>(names.length);
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger granted = new AtomicInteger();
        int[] counters = new int[names.length];
        try (LocalLockManager locks = LocalLockManager.create()) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    for (int i = 0; i < rounds; i++) {
                        int r = (i * 7 + (int) Thread.currentThread().getId()) % names.length;
                        Optional<Lease> lease;
                        try {
                            lease = i % 3 == 0 ? locks.tryAcquire(names[r])
                                    : Optional.of(locks.acquire(names[r], Duration.ofSeconds(30)));
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                        if (lease.isEmpty()) {
                            continue;
                        }
                        if (!inside.compareAndSet(r, null, Thread.currentThread())) {
                            overlaps.incrementAndGet();
                        }
                        counters[r]++;
                        granted.incrementAndGet();
                        inside.set(r, null);
                        lease.get().release();
                    }
                });
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join(120_000);
                assertThat(w.isAlive()).as("worker finished").isFalse();
            }
            assertThat(overlaps).hasValue(0);
            assertThat(java.util.Arrays.stream(counters).sum()).isEqualTo(granted.get());
            assertThat(entries(locks)).as("per-resource state after all released")
                    .hasSizeLessThanOrEqualTo(IDLE);
        }
    }

    @Test
    void inspect_describesHolderThread_andToken() throws Exception {
        Instant before = Instant.now();
        try (LocalLockManager locks = LocalLockManager.create();
                Lease lease = locks.acquire("job", Duration.ZERO)) {
            Instant after = Instant.now();
            LockInfo info = locks.inspect("job").orElseThrow();
            assertThat(info.acquiredAt()).as("wall-clock grant time, derived from nanoTime")
                    .isBetween(before.minusMillis(50), after.plusMillis(50));
            assertThat(locks.inspect("job").orElseThrow().acquiredAt())
                    .as("derived once").isEqualTo(info.acquiredAt());
            assertThat(info.holder()).contains(Thread.currentThread().getName());
            assertThat(info.fencingToken()).isEqualTo(lease.fencingToken());
            assertThat(info.remainingLease()).isEmpty();
            assertThat(locks.backend()).isEqualTo("local");
        }
    }

    private static Map<Object, Object> entries(LocalLockManager locks) throws ReflectiveOperationException {
        Field c = ComposedLockManager.class.getDeclaredField("core");
        c.setAccessible(true);
        Object core = c.get(locks);
        Field f = core.getClass().getDeclaredField("entries");
        f.setAccessible(true);
        @SuppressWarnings("unchecked") Map<Object, Object> m = (Map<Object, Object>) f.get(core);
        return m;
    }
}
