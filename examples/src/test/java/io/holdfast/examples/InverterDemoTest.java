package io.holdfast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.examples.inverter.WorkerReport;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InverterDemoTest {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @TempDir
    Path dir;

    private InverterDemo demo;

    private int run(Map<String, String> env, String... args) {
        demo = new InverterDemo(env);
        List<String> all = new ArrayList<>(List.of("--quiet", "--device-dir", dir.resolve("device").toString()));
        all.addAll(List.of(args));
        return new CommandLine(demo).execute(all.toArray(String[]::new));
    }

    private Map<String, String> fileEnv() {
        return Map.of("LOCK_DIR", dir.resolve("locks").toString());
    }

    @Test
    void defaultFileBackend_workersNeverOverlap_andChargeCyclesRun() {
        int exit = run(fileEnv(), "--duration", "1500ms", "--workers", "4", "--charge-workers", "2");

        WorkerReport r = demo.lastReport();
        assertThat(exit).isZero();
        assertThat(r.polls()).isPositive();
        assertThat(r.overlaps()).isZero();
        assertThat(r.staleRejected()).isZero();
        assertThat(r.chargeCycles()).isPositive();
        assertThat(r.chargeOverlaps()).isZero();
        assertThat(r.waits().getTotalCount()).isEqualTo(r.polls());
    }

    @Test
    void fileBackend_acrossProcesses_neverOverlaps() {
        int exit = run(fileEnv(), "--duration", "2500ms", "--workers", "2", "--processes", "3");

        WorkerReport r = demo.lastReport();
        assertThat(exit).isZero();
        assertThat(r.overlaps()).isZero();
        assertThat(r.staleRejected()).isZero();
        assertThat(r.polls()).isPositive();
    }

    @Test
    void inProcessBackend_acrossProcesses_isCaughtOverlapping() {
        // in-process locks cannot exclude other processes: the simulated device must notice
        int exit = run(Map.of("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "local"),
                "--duration", "3s", "--workers", "2", "--processes", "2", "--poll-time", "3ms");

        assertThat(exit).isEqualTo(1);
        assertThat(demo.lastReport().overlaps()).isPositive();
    }

    @Test
    void redisBackend_acrossProcesses_neverOverlaps() {
        Map<String, String> env = Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", redis.uri(),
                "LOCK_LEASE", "5s");
        int exit = run(env, "--duration", "2500ms", "--workers", "2", "--processes", "2",
                "--charge-workers", "1");

        WorkerReport r = demo.lastReport();
        assertThat(exit).isZero();
        assertThat(r.overlaps()).isZero();
        assertThat(r.staleRejected()).isZero();
        assertThat(r.chargeOverlaps()).isZero();
        assertThat(r.polls()).isPositive();
    }
}
