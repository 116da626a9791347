package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.lock.testkit.redis.RedisTopologySpec;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Works as an ACL user confined to its namespace's keys and channels and to the commands the
 * backend needs; a manager outside its namespace is refused with a clear message.
 */
class AclIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.of(RedisTopologySpec.standalone()
            .serverArg("user", "locker", "on", ">lock-pw", "~app:*", "&app:*", "+@connection",
                    "+evalsha", "+eval", "+script|load", "+get", "+set", "+del", "+time", "+pexpire",
                    "+pttl", "+publish", "+subscribe", "+unsubscribe", "+exists", "+scan", "+wait")
            .build());

    private String uri() {
        return "redis://locker:lock-pw@127.0.0.1:" + redis.primary().port();
    }

    private RedisLockSettings.Builder settings(String namespace) {
        return RedisLockSettings.builder().uri(uri()).namespace(namespace).timeout(Duration.ofSeconds(2));
    }

    @Test
    void restrictedUser_locksWaitsAndSetsFlags_inItsNamespace() throws Exception {
        try (RedisLockManager a = RedisLockManager.create(settings("app").build());
                RedisLockManager b = RedisLockManager.create(settings("app").build());
                RedisStatusManager flags = RedisStatusManager.create(settings("app").build())) {
            Lease lease = a.acquire("acl-lock", Duration.ofSeconds(5));
            CompletableFuture<Long> next = CompletableFuture.supplyAsync(() -> {
                try (Lease l = b.acquire("acl-lock", Duration.ofSeconds(20))) {
                    return l.fencingToken();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            lease.release();
            assertThat(next.get(20, TimeUnit.SECONDS)).isGreaterThan(lease.fencingToken());
            assertThat(a.inspect("acl-lock")).isEmpty();

            assertThat(flags.setIfAbsent("export-running", Duration.ofSeconds(30))).isTrue();
            assertThat(flags.list()).isEqualTo(Set.of("export-running"));
            assertThat(flags.clear("export-running")).isTrue();
        }
    }

    @Test
    void restrictedUser_outsideItsNamespace_isRefusedNamingThePermission() {
        try (RedisLockManager m = RedisLockManager.create(settings("elsewhere").build())) {
            assertThatThrownBy(() -> m.acquire("x", Duration.ofSeconds(1)))
                    .isInstanceOf(LockUnavailableException.class)
                    .hasMessageContaining("NOPERM")
                    .hasMessageNotContaining("lock-pw");
        }
    }
}
