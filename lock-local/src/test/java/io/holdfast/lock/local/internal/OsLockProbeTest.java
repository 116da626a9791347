package io.holdfast.lock.local.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.testkit.conformance.Waiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single attempt on a free file while an {@code inspect} of this JVM holds the file's permit:
 * the interleaving behind a flake of
 * {@code DualFileLocalLockConformanceTest.tryAcquire_ofFreeLock_isGranted_whileAnotherThreadInspectsIt}.
 */
class OsLockProbeTest {

    @TempDir
    Path dir;

    /**
     * The probe reads the free file and is then descheduled, holding the permit (driven here by
     * blocking in its {@code heldElsewhere} test, which runs under the permit). A single attempt
     * made meanwhile must wait for the probe however long it takes, not give up after a time
     * budget (it gave up after 50ms, so a loaded machine refused a free lock), and be granted
     * once the probe is done.
     */
    @Test
    void singleAttempt_whileAProbeHoldsThePermit_waitsForTheProbe_andIsGranted() throws Exception {
        LockDirectory locks = LockDirectory.open(dir.resolve("locks"), "locks");
        Path file = dir.resolve("locks").resolve("r.lock");
        acquireNow(locks, file).close(); // the file exists and is free

        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        Waiter<Optional<byte[]>> probe = Waiter.start("probe", () -> OsLock.probe(file, content -> {
            probing.countDown();
            awaitQuietly(resume);
            return false;
        }));
        assertThat(probing.await(30, TimeUnit.SECONDS)).as("the probe reached the file").isTrue();

        Waiter<Boolean> single = Waiter.start("single-attempt", () -> {
            OsLock lock = acquireNow(locks, file);
            if (lock != null) {
                lock.close();
            }
            return lock != null;
        });
        // the probe keeps the permit well past the old 50ms budget: the attempt keeps waiting
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> !single.isDone());
        resume.countDown();

        assertThat(probe.get()).as("the probe saw the file free").isEmpty();
        assertThat(single.get()).as("the single attempt on the free file was granted").isTrue();
    }

    private static OsLock acquireNow(LockDirectory locks, Path file) throws InterruptedException {
        return OsLock.acquire(locks, file, System.nanoTime(), Duration.ofMillis(2), () -> false,
                content -> false);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
