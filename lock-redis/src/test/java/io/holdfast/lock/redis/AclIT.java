package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.testkit.conformance.Waiter;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.lock.testkit.redis.RedisTopologySpec;
import java.time.Duration;
import java.util.Set;
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
                    "+pttl", "+publish", "+subscribe", "+exists", "+scan", "+wait", "+getdel", "+zadd",
                    "+zrem", "+zrange", "+hgetall", "+zcard", "+hset", "+hget", "+hdel")
            .serverArg("user", "notime", "on", ">nt-pw", "~app:*", "&app:*", "+@connection",
                    "+evalsha", "+eval", "+script|load", "+get", "+set", "+del", "+pexpire",
                    "+pttl", "+publish", "+subscribe", "+exists", "+scan", "+wait", "+getdel", "+zadd",
                    "+zrem", "+zrange", "+hgetall", "+zcard", "+hset", "+hget", "+hdel")
            .serverArg("user", "noscripts", "on", ">ns-pw", "~app:*", "&app:*", "+@connection",
                    "+get", "+set", "+del")
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
            Waiter<Long> next = Waiter.start("acl-waiter", () -> {
                try (Lease l = b.acquire("acl-lock", Duration.ofSeconds(20))) {
                    return l.fencingToken();
                }
            }).awaitBlocked(); // queued (subscribing and waiting need their ACL rights)
            lease.release();
            assertThat(next.get()).isGreaterThan(lease.fencingToken());
            assertThat(a.inspect("acl-lock")).isEmpty();

            assertThat(flags.setIfAbsent("export-running", Duration.ofSeconds(30))).isTrue();
            assertThat(flags.list()).isEqualTo(Set.of("export-running"));
            assertThat(flags.clear("export-running")).isTrue();
        }
    }

    @Test
    void restrictedUser_outsideItsNamespace_isRefusedAtStartup_namingThePermissionAndKeys() {
        assertThatThrownBy(() -> RedisLockManager.create(settings("elsewhere").build()).close())
                .isInstanceOf(LockUnavailableException.class)
                .hasMessageContaining("NOPERM")
                .hasMessageContaining("elsewhere:*")
                .hasMessageContaining("EVALSHA")
                .hasMessageNotContaining("lock-pw");
        assertThatThrownBy(() -> RedisStatusManager.create(settings("elsewhere").build()).close())
                .isInstanceOf(LockUnavailableException.class)
                .hasMessageContaining("NOPERM");
    }

    @Test
    void userWithoutScriptRights_isRefusedAtStartup_keepingTheServersReply() {
        assertThatThrownBy(() -> RedisLockManager.create(settings("app").uri(
                "redis://noscripts:ns-pw@127.0.0.1:" + redis.primary().port()).build()).close())
                .isInstanceOf(LockUnavailableException.class)
                .hasMessageContaining("NOPERM")
                .hasMessageContaining("'script|load'")
                .hasMessageNotContaining("ns-pw");
    }

    @Test
    void userDeniedACommandTheScriptsRun_isRefusedAtStartup() {
        assertThatThrownBy(() -> RedisLockManager.create(settings("app").uri(
                "redis://notime:nt-pw@127.0.0.1:" + redis.primary().port()).build()).close())
                .isInstanceOf(LockUnavailableException.class)
                .hasMessageContaining("checking the ACL permissions on keys app:*")
                .hasMessageContaining("can't run this command")
                .hasMessageContaining("TIME");
    }
}
