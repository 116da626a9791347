package io.holdfast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.testkit.redis.RedisExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The config-editor and port-reservation demos across processes on Redis. */
class RedisDemosIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @TempDir
    Path dir;

    @Test
    void configEditor_holdsTheLockPastItsLease_byRenewal_andLosesNoLine() {
        // each edit session lasts two leases: only renewal keeps the service out. The lease is
        // long enough that a stall of the loaded test machine shorter than validity minus the
        // renewal period (1.5s - 0.152s - 0.5s, about 850ms) costs no lease (a 500ms lease left
        // about 280ms and was lost once under load)
        Duration lease = Duration.ofMillis(1500);
        Map<String, String> env = Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", redis.uri(),
                "LOCK_LEASE", lease.toMillis() + "ms");
        int exit = new CommandLine(new ConfigEditorDemo(env)).execute(
                "--duration", "3s", "--think", lease.multipliedBy(2).toMillis() + "ms",
                "--dir", dir.toString());

        assertThat(exit).isZero();
    }

    @Test
    void portReservation_acrossProcesses_neverReservesAPortTwice() {
        Map<String, String> env = Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", redis.uri());
        int exit = new CommandLine(new PortReservationDemo(env)).execute(
                "--reservers", "6", "--processes", "2", "--rounds", "4",
                "--table", dir.resolve("ports.csv").toString());

        assertThat(exit).isZero();
    }
}
