package io.holdfast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockService;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a user tests their own handling of a lost lease against a real Redis (README "Testing your
 * code"): {@link RedisExtension#breakLock} deletes the lock's key as an expiry would, and
 * {@code primary().stop()} freezes the server past the lease. A short lease makes the holder notice
 * within a third of it.
 */
class LostLeaseExampleIT {

    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private static RedisLockManager manager() {
        return RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri()).lease(LEASE).build());
    }

    @Test
    void breakLock_makesTheHolderLoseItsLease_andAnotherProcessGetsAGreaterToken() throws InterruptedException {
        try (RedisLockManager mine = manager(); RedisLockManager other = manager()) {
            Lease lease = mine.acquire("inverter_read", WAIT);
            AtomicBoolean lost = new AtomicBoolean();
            lease.onLost(() -> lost.set(true));

            assertThat(redis.breakLock("inverter_read")).isTrue();

            await().atMost(LEASE.multipliedBy(10)).untilTrue(lost);
            assertThat(lease.isHeld()).isFalse();
            try (Lease next = other.acquire("inverter_read", WAIT)) {
                assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
            }
            assertThat(lease.release()).isFalse();
        }
    }

    @Test
    void breakLock_throughLockService_withANamespace_andANameThatIsEncoded() throws InterruptedException {
        // spaces and braces are escaped, and each é becomes %C3%A9: past 200 characters the key part is hashed
        String resource = "device/7 {north} " + "\u00e9".repeat(40);
        try (LockService service = LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "true",
                "REDIS_URL", redis.uri(), "LOCK_NAMESPACE", "billing", "LOCK_LEASE", "1s"))) {
            Lease lease = service.locks().acquire(resource, WAIT);

            assertThat(redis.breakLock("holdfast", resource)).isFalse(); // another namespace: nothing there
            assertThat(redis.breakLock("billing", resource)).isTrue();

            await().atMost(LEASE.multipliedBy(10)).until(() -> !lease.isHeld());
        }
    }

    @Test
    void redisFrozenPastTheLease_losesIt() throws InterruptedException {
        try (RedisLockManager mine = manager()) {
            Lease lease = mine.acquire("inverter_read", WAIT);
            redis.primary().stop(); // SIGSTOP: the port stays open, nothing answers
            try {
                await().atMost(LEASE.multipliedBy(10)).until(() -> !lease.isHeld());
            } finally {
                redis.primary().cont();
            }
        }
    }
}
