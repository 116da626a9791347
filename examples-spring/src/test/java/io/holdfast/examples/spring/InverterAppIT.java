package io.holdfast.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.testkit.jvm.TestJvm;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Three instances of {@link InverterApp} share one simulated inverter for 6 s: no overlap, charges run. */
class InverterAppIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"redis", "file"})
    void threeInstances_neverOverlap_andRunChargeCycles(String backend) throws Exception {
        Map<String, String> env = backend.equals("redis")
                ? Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", redis.uri())   // the variables, unchanged
                : Map.of("LOCK_DIR", dir.resolve("locks").toString());
        List<TestJvm> jvms = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                jvms.add(TestJvm.builder(InverterApp.class).env(env).args("--spring.main.banner-mode=off",
                        "--logging.level.root=WARN", "--inverter.run-for=6s",
                        "--inverter.device-dir=" + dir.resolve("device")).start());
            }
            Map<String, Long> total = new HashMap<>();
            for (TestJvm jvm : jvms) {
                String report = jvm.awaitLine("REPORT", Duration.ofSeconds(120));
                for (String kv : report.substring("REPORT ".length()).split(" ")) {
                    String[] p = kv.split("=");
                    total.merge(p[0], Long.parseLong(p[1]), Long::sum);
                }
                jvm.finish(Duration.ofSeconds(30));
            }
            assertThat(total).containsEntry("overlaps", 0L).containsEntry("chargeOverlaps", 0L)
                    .containsEntry("stale", 0L);
            assertThat(total.get("polls")).isPositive();
            assertThat(total.get("charges")).isPositive();
        } finally {
            jvms.forEach(TestJvm::close);
        }
    }
}
