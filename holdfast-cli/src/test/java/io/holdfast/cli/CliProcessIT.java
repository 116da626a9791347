package io.holdfast.cli;

import static io.holdfast.cli.Cli.list;
import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.testkit.jvm.TestJvm;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code holdfast} as its own process: reads its environment, prints JSON, exits with its code. */
class CliProcessIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private final String namespace = "cp-" + UUID.randomUUID().toString().substring(0, 8);

    private static Run run(Map<String, String> env, String... args) throws Exception {
        try (TestJvm cli = TestJvm.builder(HoldfastCli.class).args(args).env(env).start()) {
            int code = cli.exit(Duration.ofSeconds(60)); // its output read to the end
            return new Run(code, String.join("\n", cli.output()));
        }
    }

    private record Run(int code, String output) {}

    @Test
    void locksJson_fromTheEnvironment_andBadVariable_exitCodes() throws Exception {
        Map<String, String> env = Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", redis.uri(),
                "LOCK_NAMESPACE", namespace);
        try (RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                .namespace(namespace).build());
                Lease lease = m.acquire("port-table", Duration.ofSeconds(5))) {
            Run locks = run(env, "locks", "--json");
            assertThat(locks.code()).as(locks.output()).isZero();
            assertThat(list(Cli.parse(locks.output()), "locks")).singleElement()
                    .satisfies(l -> assertThat(Cli.number(l.get("token"))).isEqualTo(lease.fencingToken()));
        }
        Run bad = run(Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", redis.uri(), "LOCK_REPLICA_ACKS", "many"),
                "check");
        assertThat(bad.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(bad.output()).contains("LOCK_REPLICA_ACKS");
    }
}
