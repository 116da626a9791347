package io.holdfast.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.lock.testkit.jvm.TestJvm;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TickApp} instances in separate JVMs on one Redis: a task scheduled on each of them, run
 * through {@code @ExclusiveTask}, checked by a fenced journal (overlaps, stale tokens) and by the
 * spacing of run starts (minimum hold); an instance killed mid-run is replaced within lease + 1 s;
 * the same app runs its task on virtual threads.
 */
class ThreeInstancesIT {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration START_UP = Duration.ofSeconds(90);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @TempDir
    Path journal;

    private final List<TestJvm> jvms = new ArrayList<>();

    @AfterEach
    void stopAll() {
        jvms.forEach(TestJvm::close);
    }

    private TestJvm instance(Path javaHome, String... args) throws InterruptedException {
        TestJvm.Builder b = TestJvm.builder(TickApp.class).args("--spring.main.banner-mode=off",
                "--logging.level.root=WARN", "--tick.journal=" + journal,
                "--holdfast.use-new-locks=true", "--holdfast.redis.url=" + redis.uri(),
                "--holdfast.lease=" + LEASE.toSeconds() + "s").args(args);
        if (javaHome != null) {
            b.javaHome(javaHome);
        }
        TestJvm jvm = b.start();
        jvms.add(jvm);
        return jvm;
    }

    private List<TestJvm> instances(int n, String... args) throws InterruptedException {
        List<TestJvm> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(instance(null, args));
        }
        for (TestJvm jvm : started) {
            jvm.awaitLine("READY", START_UP);
        }
        return started;
    }

    /** A run of the journal. */
    private record Run(long start, long end, long token, long pid) {}

    private List<Run> runs() throws Exception {
        List<Run> runs = new ArrayList<>();
        for (String line : Files.readAllLines(journal.resolve("journal.txt"))) {
            assertThat(line).as("journal line").startsWith("RUN ");
            String[] f = line.split(" ");
            runs.add(new Run(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])));
        }
        runs.sort((a, b) -> Long.compare(a.start(), b.start()));
        return runs;
    }

    @Test
    void threeInstances_runEachTickOnOneInstance_neverTwoAtOnce_andNoTickTwice() throws Exception {
        Duration minHold = Duration.ofMillis(190);
        instances(3, "--tick.period=200ms", "--tick.min-hold=" + minHold.toMillis() + "ms", "--tick.work=20ms");

        Thread.sleep(10_000);
        jvms.forEach(TestJvm::close);

        List<Run> runs = runs(); // no OVERLAP or STALE line: runs() accepts RUN lines only
        assertThat(runs).hasSizeGreaterThanOrEqualTo(10);
        for (int i = 1; i < runs.size(); i++) {
            Run before = runs.get(i - 1);
            Run run = runs.get(i);
            assertThat(run.token()).as("tokens rise with start order").isGreaterThan(before.token());
            assertThat(run.start()).as("never two at once").isGreaterThan(before.end());
            // the journal's start is read a little after the run's own start: allow 50 ms
            assertThat(Duration.ofNanos(run.start() - before.start())).as("a tick runs once (min hold)")
                    .isGreaterThanOrEqualTo(minHold.minusMillis(50));
        }
    }

    @Test
    void anInstanceKilledMidTask_isReplaced_withinLeasePlusOneSecond() throws Exception {
        List<TestJvm> two = instances(2, "--tick.period=100ms", "--tick.work=120s");
        TestJvm running = awaitStart(two, Duration.ofSeconds(30)).orElseThrow(
                () -> new AssertionError("no instance started the task: " + two.get(0).output()));
        TestJvm other = two.get(0) == running ? two.get(1) : two.get(0);

        running.process().destroyForcibly().waitFor();
        long killed = System.nanoTime();
        String start = other.awaitLine("START", Duration.ofSeconds(30));

        Duration takeover = Duration.ofNanos(Long.parseLong(start.split(" ")[1]) - killed);
        System.out.println("taken over " + takeover.toMillis() + " ms after the kill (lease " + LEASE + ")");
        assertThat(takeover).isLessThan(LEASE.plusSeconds(1));
    }

    @Test
    void theScheduledTask_runsOnVirtualThreads_whenSpringUsesThem() throws Exception {
        Path home = Path.of(System.getProperty("holdfast.jdk21", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        assumeTrue(Files.isExecutable(home.resolve("bin/java")), "no Java 21+ at " + home);
        TestJvm jvm = instance(home, "--spring.threads.virtual.enabled=true",
                "--spring.main.keep-alive=true", // virtual threads are daemons: keep the JVM up "--tick.period=100ms",
                "--tick.min-hold=300ms");
        jvm.awaitLine("READY", START_UP);

        assertThat(jvm.awaitLine("START", Duration.ofSeconds(30))).endsWith(" true");
        jvm.awaitLine("START", Duration.ofSeconds(30));
        jvm.close();
        assertThat(runs()).hasSizeGreaterThanOrEqualTo(1);
    }

    private static Optional<TestJvm> awaitStart(List<TestJvm> jvms, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (TestJvm jvm : jvms) {
                if (jvm.output().stream().anyMatch(l -> l.startsWith("START"))) {
                    return Optional.of(jvm);
                }
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }
}
