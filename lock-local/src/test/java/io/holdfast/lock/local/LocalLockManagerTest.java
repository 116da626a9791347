package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.spi.AbstractLockManager;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalLockManagerTest {

    @Test
    void millionDistinctResources_acquiredAndReleased_leaveNoEntries() throws Exception {
        try (LocalLockManager locks = LocalLockManager.create()) {
            Map<Object, Object> entries = entries(locks);
            Lease kept = locks.acquire("kept", Duration.ZERO);
            for (int i = 0; i < 1_000_000; i++) {
                locks.acquire("resource-" + i, Duration.ZERO).release();
            }
            assertThat(entries).as("per-resource state after release").containsOnlyKeys("kept");
            kept.release();
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void timedOutAndTriedAcquires_leaveNoEntries() throws Exception {
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
            assertThat(entries(locks)).isEmpty();
        }
    }

    @Test
    void inspect_describesHolderThread_andToken() throws Exception {
        try (LocalLockManager locks = LocalLockManager.create();
                Lease lease = locks.acquire("job", Duration.ZERO)) {
            LockInfo info = locks.inspect("job").orElseThrow();
            assertThat(info.holder()).contains(Thread.currentThread().getName());
            assertThat(info.fencingToken()).isEqualTo(lease.fencingToken());
            assertThat(info.remainingLease()).isEmpty();
            assertThat(locks.backend()).isEqualTo("local");
        }
    }

    private static Map<Object, Object> entries(LocalLockManager locks) throws ReflectiveOperationException {
        Field f = AbstractLockManager.class.getDeclaredField("entries");
        f.setAccessible(true);
        @SuppressWarnings("unchecked") Map<Object, Object> m = (Map<Object, Object>) f.get(locks);
        return m;
    }
}
