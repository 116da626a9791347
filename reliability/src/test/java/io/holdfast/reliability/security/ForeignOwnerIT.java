package io.holdfast.reliability.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.RedisStatusManager;
import io.holdfast.lock.redis.internal.KeyLayout;
import io.holdfast.lock.redis.internal.Script;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One manager cannot release or renew another's lock, or clear another's flag, even knowing the
 * resource name: owner values carry 128 random bits and every release, renewal and clear is
 * checked against them inside the script.
 */
class ForeignOwnerIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private static RedisLockSettings settings() {
        return RedisLockSettings.builder().uri(redis.uri()).lease(Duration.ofSeconds(10)).build();
    }

    @Test
    void anotherManager_cannotReleaseOrRenewTheLock() throws InterruptedException {
        KeyLayout.LockKeys keys = new KeyLayout("holdfast").lock("shared");
        try (RedisLockManager owner = RedisLockManager.create(settings());
                RedisLockManager intruder = RedisLockManager.create(settings());
                Lease lease = owner.acquire("shared", Duration.ofSeconds(2))) {
            assertThat(intruder.tryAcquire("shared")).isEmpty();
            assertThatThrownBy(() -> intruder.asLock("shared").unlock())
                    .isInstanceOf(IllegalMonitorStateException.class);
            String ownerValue = redis.primary().cli("GET", keys.lock());
            assertThat(ownerValue).as("owner id of 128 random bits").matches("[0-9a-f]{32}:.*");
            // the intruder's own owner id, in the same format, forged into the scripts
            String forged = intruderOwner(intruder) + ownerValue.substring(32);
            assertThat(redis.primary().cli("EVALSHA", Script.RELEASE.sha(), "5", keys.lock(), keys.fence(),
                    keys.queue(), keys.queueExpiry(), keys.readers(), forged, "0", "33", "holdfast:granted:", "1000", "1000"))
                    .isEqualTo("0");
            redis.primary().cli("PEXPIRE", keys.lock(), "5000");
            assertThat(redis.primary().cli("EVALSHA", Script.RENEW.sha(), "1", keys.lock(), "600000", "x", forged))
                    .isEqualTo("0");
            assertThat(Long.parseLong(redis.primary().cli("PTTL", keys.lock()))).isLessThanOrEqualTo(5000);
            assertThat(redis.primary().cli("GET", keys.lock())).isEqualTo(ownerValue);
            assertThat(lease.isHeld()).isTrue();
        }
    }

    /** The intruder manager's 32-hex owner id, read from a lock it takes on another resource. */
    private static String intruderOwner(RedisLockManager intruder)
            throws InterruptedException {
        try (Lease probe = intruder.acquire("intruder-probe", Duration.ofSeconds(2))) {
            String value = redis.primary().cli("GET", new KeyLayout("holdfast").lock("intruder-probe").lock());
            return value.substring(0, 32);
        }
    }

    @Test
    void anotherManager_cannotClearTheFlag() {
        try (RedisStatusManager owner = RedisStatusManager.create(settings());
                RedisStatusManager other = RedisStatusManager.create(settings())) {
            owner.set("running", Duration.ofSeconds(30));
            assertThat(other.clear("running")).isFalse();
            assertThat(owner.isSet("running")).isTrue();
            assertThat(owner.clear("running")).isTrue();
        }
    }
}
