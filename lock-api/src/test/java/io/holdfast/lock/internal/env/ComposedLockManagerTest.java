package io.holdfast.lock.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules {@code spi.ComposedLockManager} adds to every backend, on the test backend. */
class ComposedLockManagerTest {

    private final MemoryLockManager.Store store = new MemoryLockManager.Store();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Test
    void close_marksEveryLeaseLost_beforeAnyLockIsFree() throws Exception {
        MemoryLockManager closing = new MemoryLockManager("mem", store, events::add);
        try (MemoryLockManager other = new MemoryLockManager("mem", store, events::add)) {
            List<Lease> leases = List.of(closing.acquire("a", Duration.ZERO), closing.acquire("b", Duration.ZERO));
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            for (Lease lease : leases) {
                lease.onLost(() -> {
                    for (String r : List.of("a", "b")) {
                        Optional<Lease> granted = other.tryAcquire(r);
                        granted.ifPresent(Lease::release);
                        seen.add(r + (granted.isPresent() ? " granted" : " busy"));
                    }
                });
            }
            closing.close();
            assertThat(leases).noneMatch(Lease::isHeld);
            assertThat(seen).as("what another manager got while the leases were reported lost")
                    .containsOnly("a busy", "b busy").hasSize(4);
            assertThat(other.tryAcquire("a")).isPresent().get().satisfies(Lease::release);
        }
    }

    @Test
    void tryAcquire_byInterruptedThread_whoseBackendCallIsInterruptible_isGranted() {
        try (MemoryLockManager m = new MemoryLockManager("mem", store, events::add)) {
            m.mem.failsWhenInterrupted = true;
            Thread.currentThread().interrupt();
            try {
                Optional<Lease> lease = m.tryAcquire("r");
                assertThat(lease).isPresent();
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
                lease.get().release();
            } finally {
                Thread.interrupted();
            }
        }
    }

    /**
     * Issue 11 item 4: a timed wait that times out used to ask the backend who holds the lock (a
     * Redis round trip) after its deadline and before throwing. The holder is now looked up only
     * when the message of the thrown exception is read, once.
     */
    @Test
    void timedOutAcquire_throwsWithoutAskingTheBackend_andNamesTheHolderWhenTheMessageIsRead()
            throws Exception {
        try (MemoryLockManager holder = new MemoryLockManager("mem", store, events::add);
                MemoryLockManager waiter = new MemoryLockManager("mem", store, events::add)) {
            Lease lease = holder.acquire("job", Duration.ZERO);
            LockTimeoutException e = null;
            try {
                waiter.acquire("job", Duration.ofMillis(20)).release();
            } catch (LockTimeoutException thrown) {
                e = thrown;
            }
            assertThat(e).as("timed out").isNotNull();
            assertThat(waiter.mem.describes).as("backend asked for the holder before throwing")
                    .isZero();
            assertThat(e.getMessage()).isEqualTo("lock 'job' not acquired within 20ms (held by mem/"
                    + Thread.currentThread().getName() + ")");
            assertThat(e.getMessage()).isSameAs(e.getMessage());
            assertThat(waiter.mem.describes).as("the detail is computed once").isEqualTo(1);
            lease.release();
        }
    }
}
