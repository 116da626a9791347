package io.holdfast.lock.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code spi.AbstractLockManager}'s own rules, on the test backend. */
class AbstractLockManagerTest {

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
            m.failsWhenInterrupted = true;
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
}
