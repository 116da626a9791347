package io.holdfast.cli;

import static io.holdfast.cli.Cli.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.lock.testkit.redis.RedisTopologySpec;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CLI as an ACL user confined to the namespace: the commands a service needs plus the ones
 * the README lists for the CLI ({@code ZRANGE}, {@code HGETALL}, {@code XADD}, {@code XREVRANGE}).
 */
class AclCliIT {

    /** What a service's user is granted (see lock-redis AclIT and the README). */
    private static final String[] SERVICE = {"~ops:*", "&ops:*", "+@connection", "+evalsha", "+eval",
            "+script|load", "+get", "+set", "+del", "+time", "+pexpire", "+pttl", "+publish",
            "+subscribe", "+exists", "+scan", "+wait", "+getdel", "+zadd", "+zrem", "+zrange", "+hgetall",
            "+zcard", "+hset", "+hget", "+hdel"};

    @RegisterExtension
    static RedisExtension redis = RedisExtension.of(RedisTopologySpec.standalone()
            .serverArg("user", user("operator", "op-pw", "+zrange", "+hgetall", "+xadd", "+xrevrange"))
            .serverArg("user", user("noaudit", "na-pw", "+zrange", "+hgetall", "+xrevrange"))
            .build());

    private static String[] user(String name, String password, String... extra) {
        String[] all = new String[3 + SERVICE.length + extra.length];
        all[0] = name;
        all[1] = "on";
        all[2] = ">" + password;
        System.arraycopy(SERVICE, 0, all, 3, SERVICE.length);
        System.arraycopy(extra, 0, all, 3 + SERVICE.length, extra.length);
        return all;
    }

    private Map<String, String> env(String user, String password) {
        return Map.of("USE_NEW_LOCKS", "true", "LOCK_NAMESPACE", "ops", "LOCK_LEASE", "2s",
                "REDIS_URL", "redis://" + user + ":" + password + "@127.0.0.1:" + redis.primary().port());
    }

    @Test
    void confinedUser_seesAndReleasesLocks_andWritesTheAudit() throws Exception {
        try (RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder()
                .uri("redis://operator:op-pw@127.0.0.1:" + redis.primary().port())
                .namespace("ops").lease(Duration.ofSeconds(2)).build())) {
            Lease lease = m.acquire("acl-job", Duration.ofSeconds(5));
            Map<String, String> env = env("operator", "op-pw");
            assertThat(list(Cli.run(env, "locks", "--json").json(), "locks")).hasSize(1);
            assertThat(Cli.run(env, "inspect", "acl-job").code()).isZero();
            assertThat(list(Cli.run(env, "instances", "--json").json(), "instances")).isNotEmpty();
            Cli.Result check = Cli.run(env, "check", "--connect");
            assertThat(check.code()).as("%s", check).isZero();
            assertThat(check.out()).contains("grant +info").doesNotContain("op-pw");

            Cli.Result r = Cli.run(env, "release", "acl-job", "--force", "--reason", "acl test");
            assertThat(r.code()).as("%s", r).isZero();
            await().atMost(Duration.ofSeconds(6)).until(() -> !lease.isHeld());
            assertThat(list(Cli.run(env, "audit", "--json").json(), "records")).hasSize(1);
        }
    }

    @Test
    void userWithoutXadd_releases_butExitsSeven_sayingTheAuditWasNotWritten() throws Exception {
        try (RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder()
                .uri("redis://noaudit:na-pw@127.0.0.1:" + redis.primary().port())
                .namespace("ops").lease(Duration.ofSeconds(2)).build())) {
            Lease lease = m.acquire("unaudited", Duration.ofSeconds(5));
            Cli.Result r = Cli.run(env("noaudit", "na-pw"), "release", "unaudited", "--force", "--reason", "x");
            assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.AUDIT_FAILED);
            assertThat(r.out()).contains("audit record was NOT written").contains("xadd");
            await().atMost(Duration.ofSeconds(6)).until(() -> !lease.isHeld());
        }
    }
}
