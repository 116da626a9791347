package io.holdfast.cli;

import static io.holdfast.cli.Cli.list;
import static io.holdfast.cli.Cli.map;
import static io.holdfast.cli.Cli.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import io.holdfast.lock.local.FileStatusManager;
import io.holdfast.lock.local.FileStatusSettings;
import io.holdfast.lock.testkit.jvm.TestJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI on a lock directory: holders and waiting processes, the refused release, flags. */
class FileCliIT {

    @TempDir
    Path dir;

    private Map<String, String> env() {
        return Map.of("LOCK_DIR", dir.toString());
    }

    @Test
    void locks_showTheHolderAndTheWaitingProcess_andReleaseNamesTheHolderPid() throws Exception {
        long self = ProcessHandle.current().pid();
        try (FileLockManager m = FileLockManager.create(FileLockSettings.of(dir))) {
            Lease lease = m.acquire("report/daily", Duration.ofSeconds(5));
            Cli.Result r = Cli.run(env(), "locks", "--json");
            assertThat(r.code()).as("%s", r).isZero();
            Map<String, Object> lock = list(r.json(), "locks").get(0);
            assertThat(lock).containsEntry("name", "report/daily").containsEntry("backend", "file")
                    .containsEntry("queueLength", 0);
            assertThat(number(lock.get("token"))).isEqualTo(lease.fencingToken());
            assertThat(number(map(map(lock, "holder"), "instance").get("pid"))).isEqualTo(self);

            try (TestJvm waiter = TestJvm.builder(HoldMain.class).args("report/daily")
                    .env(Map.of("LOCK_DIR", dir.toString())).start()) {
                long child = Long.parseLong(waiter.awaitLine("waiting ", Duration.ofSeconds(30)).substring(8));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Cli.Result now = Cli.run(env(), "locks", "--json");
                    assertThat(number(list(now.json(), "locks").get(0).get("queueLength")))
                            .as("%s\nchild: %s", now, waiter.output()).isOne();
                });
                Map<String, Object> inspected = list(Cli.run(env(), "inspect", "report/daily", "--json")
                        .json(), "locks").get(0);
                assertThat(number(map(list(inspected, "queue").get(0), "instance").get("pid"))).isEqualTo(child);

                Cli.Result release = Cli.run(env(), "release", "report/daily", "--force", "--reason", "test");
                assertThat(release.code()).as("%s", release).isEqualTo(ExitCodes.UNSUPPORTED);
                assertThat(release.out()).contains("held by pid " + self).contains("kill " + self);
                assertThat(lease.isHeld()).isTrue();

                lease.release();
                long next = Long.parseLong(waiter.awaitLine("held ", Duration.ofSeconds(30)).substring(5));
                assertThat(next).isGreaterThan(lease.fencingToken()); // max(counter + 1, clock in µs)
                Map<String, Object> now = list(Cli.run(env(), "locks", "--json").json(), "locks").get(0);
                assertThat(number(map(map(now, "holder"), "instance").get("pid"))).isEqualTo(child);
                assertThat(now).containsEntry("queueLength", 0);
                waiter.process().getOutputStream().close();
                waiter.finish(Duration.ofSeconds(30));
            }
            assertThat(Cli.run(env(), "locks").out()).startsWith("no locks held");
            assertThat(Cli.run(env(), "inspect", "report/daily").code()).isEqualTo(ExitCodes.NOT_FOUND);
        }
    }

    @Test
    void aLockHeldOnlyByReaders_isListedAsShared_withTheReadingProcesses() throws Exception {
        long self = ProcessHandle.current().pid();
        try (FileLockManager m = FileLockManager.create(FileLockSettings.of(dir))) {
            Lease reader = m.acquireShared("config.yaml", Duration.ofSeconds(5));
            Cli.Result r = Cli.run(env(), "locks", "--json");
            assertThat(r.code()).as("%s", r).isZero();
            Map<String, Object> lock = list(r.json(), "locks").get(0);
            assertThat(lock).containsEntry("name", "config.yaml").containsEntry("mode", "shared");
            assertThat(number(lock.get("readers"))).isOne();
            assertThat(number(map(map(lock, "holder"), "instance").get("pid"))).isEqualTo(self);
            assertThat(Cli.run(env(), "locks").out()).contains("config.yaml").contains("shared by 1: ");

            try (TestJvm other = TestJvm.builder(HoldMain.class).args("config.yaml", "shared")
                    .env(Map.of("LOCK_DIR", dir.toString())).start()) {
                other.awaitLine("held ", Duration.ofSeconds(30));
                Map<String, Object> two = list(Cli.run(env(), "locks", "--json").json(), "locks").get(0);
                assertThat(number(two.get("readers"))).as("reading processes").isEqualTo(2);
                other.process().getOutputStream().close();
                other.finish(Duration.ofSeconds(30));
            }
            reader.release();
            assertThat(Cli.run(env(), "locks").out()).startsWith("no locks held");
        }
    }

    @Test
    void flagsClear_refusesAnotherOwnersFlag_unlessForced_andIsAudited() {
        try (FileStatusManager service = FileStatusManager.create(FileStatusSettings.of(dir))) {
            service.set("charge-running", Duration.ofMinutes(1));
            Cli.Result flags = Cli.run(env(), "flags", "--json");
            assertThat(list(flags.json(), "flags")).extracting(f -> f.get("name")).containsExactly("charge-running");

            Cli.Result refused = Cli.run(env(), "flags", "clear", "charge-running");
            assertThat(refused.code()).as("%s", refused).isEqualTo(ExitCodes.REFUSED);
            assertThat(service.isSet("charge-running")).isTrue();
            assertThat(Cli.run(env(), "flags", "clear", "charge-running", "--force", "--reason", "stale").code()).isZero();
            assertThat(service.isSet("charge-running")).isFalse();

            assertThat(Cli.run(env(), "flags", "set", "maintenance", "--ttl", "5m").code()).isZero();
            assertThat(service.get("maintenance")).isPresent();
            assertThat(Cli.run(env(), "flags", "clear", "maintenance").code()).isZero();

            List<Map<String, Object>> audit = list(Cli.run(env(), "audit", "--json").json(), "records");
            assertThat(audit).extracting(a -> a.get("action") + " " + a.get("name")).containsExactly(
                    "flag-clear charge-running", "flag-set maintenance", "flag-clear maintenance");
            assertThat(dir.resolve(".audit.log")).exists();
        }
    }

    @Test
    void readCommands_neverCreateAMissingDirectory() {
        Path missing = dir.resolve("not-yet");
        Map<String, String> env = Map.of("LOCK_DIR", missing.toString());
        assertThat(Cli.run(env, "locks").code()).isZero();
        assertThat(Cli.run(env, "flags").code()).isZero();
        assertThat(Cli.run(env, "check", "--connect").out()).contains("does not exist");
        assertThat(Files.exists(missing)).isFalse();
    }
}
