package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Exclusion and fencing across JVMs, and a killed holder's lock coming free. */
class CrossProcessIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private final String namespace = "xp-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Process> processes = new ArrayList<>();
    /** One reader per process: a second reader would miss what the first one buffered. */
    private final Map<Process, BufferedReader> outputs = new HashMap<>();

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), LockWorkerMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private String readLineStartingWith(Process p, String prefix) throws IOException {
        BufferedReader r = outputs.computeIfAbsent(p, k -> new BufferedReader(
                new InputStreamReader(k.getInputStream(), StandardCharsets.UTF_8)));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("process ended without a '" + prefix + "' line; output:\n" + seen);
    }

    @Test
    void fourJvms_fourThreadsEach_keepACounterExact_withIncreasingTokens() throws Exception {
        int jvms = 4;
        int threads = 4;
        int iterations = 40;
        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < jvms; i++) {
            workers.add(start("count", redis.uri(), namespace, "shared-counter",
                    Integer.toString(threads), Integer.toString(iterations)));
        }
        for (Process w : workers) {
            readLineStartingWith(w, "READY");
        }
        try (RawRedis raw = new RawRedis(redis.uri())) {
            raw.sync().set(namespace + ":go", "1");
        }
        for (Process w : workers) {
            assertThat(readLineStartingWith(w, "VIOLATIONS")).isEqualTo("VIOLATIONS 0");
            assertThat(w.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(w.exitValue()).isZero();
        }
        try (RawRedis raw = new RawRedis(redis.uri())) {
            assertThat(raw.sync().get(namespace + ":counter")).isEqualTo(Integer.toString(jvms * threads * iterations));
            assertThat(Long.parseLong(raw.sync().get(namespace + ":last-token")))
                    .isGreaterThanOrEqualTo(jvms * threads * iterations);
            List<String> grants = raw.sync().lrange(namespace + ":grants", 0, -1);
            long handoffs = 0;
            for (int i = 1; i < grants.size(); i++) {
                handoffs += grants.get(i).equals(grants.get(i - 1)) ? 0 : 1;
            }
            double share = (double) handoffs / (grants.size() - 1);
            System.out.printf("grants %d, share that changed process %.1f%%%n", grants.size(), 100 * share);
            // a fair handoff between 4 busy processes changes process 3 times in 4 (without the
            // courtesy pause for notified remote waiters the releasing JVM kept the lock); with 4
            // threads per process the lease first passes between local threads, up to 32 times
            // (measured: 4%): the other processes still get their turn once per 33 grants
            assertThat(share).as("share of grants that changed process")
                    .isGreaterThan(0.45 / (1 + RedisLockSettings.DEFAULT_LOCAL_HANDOFFS));
        }
    }

    @Test
    void holderKilled_freesTheLock_withinLeasePlusOneSecond() throws Exception {
        long leaseMillis = 2000;
        Process holder = start("hold", redis.uri(), namespace, "victim", Long.toString(leaseMillis));
        long heldToken = Long.parseLong(readLineStartingWith(holder, "HELD ").substring(5));
        try (RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                .namespace(namespace).build())) {
            assertThat(m.tryAcquire("victim")).isEmpty();
            long killed = System.nanoTime();
            holder.destroyForcibly(); // SIGKILL: no release, no more renewals
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
            try (Lease lease = m.acquire("victim", Duration.ofSeconds(20))) {
                long freedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                assertThat(lease.fencingToken()).isGreaterThan(heldToken);
                assertThat(freedAfterMillis).as("ms from SIGKILL to grant").isLessThanOrEqualTo(leaseMillis + 1000);
            }
        }
    }
}
