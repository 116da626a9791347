package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.local.process.CounterWorker;
import io.holdfast.lock.local.process.CsvAppendWorker;
import io.holdfast.lock.local.process.FlagClaimWorker;
import io.holdfast.lock.local.process.FlagClearWorker;
import io.holdfast.lock.local.process.HoldingWorker;
import io.holdfast.lock.local.process.LockShell;
import io.holdfast.lock.local.process.TakeTurnsWorker;
import io.holdfast.lock.local.process.TokenWorker;
import io.holdfast.lock.testkit.conformance.Waiter;
import io.holdfast.lock.testkit.jvm.TestJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File locks, flags and atomic updates across real JVM processes. */
class CrossProcessTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void counter_acrossThreeProcesses_losesNoUpdate_andTokensStrictlyIncrease() throws Exception {
        Path locks = dir.resolve("locks");
        Path counter = dir.resolve("counter.txt");
        Files.writeString(counter, "0 0");
        int workers = 3;
        int iterations = 200;
        List<TestJvm> jvms = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                jvms.add(TestJvm.start(CounterWorker.class, locks.toString(), counter.toString(),
                        String.valueOf(iterations)));
            }
            List<Long> all = new ArrayList<>();
            for (TestJvm jvm : jvms) {
                List<String> out = jvm.finish(PATIENCE);
                assertThat(out).noneMatch(l -> l.startsWith("VIOLATION"));
                long[] tokens = out.stream().filter(l -> l.startsWith("TOKENS")).findFirst()
                        .map(l -> Arrays.stream(l.substring(6).trim().split(" ")).mapToLong(Long::parseLong)
                                .toArray()).orElseThrow();
                assertThat(tokens).hasSize(iterations);
                for (int i = 1; i < tokens.length; i++) {
                    assertThat(tokens[i]).as("worker's own sequence").isGreaterThan(tokens[i - 1]);
                }
                Arrays.stream(tokens).forEach(all::add);
            }
            assertThat(new HashSet<>(all)).as("tokens are unique across processes").hasSize(workers * iterations);
            String[] end = Files.readString(counter).trim().split(" ");
            assertThat(Long.parseLong(end[0])).as("counter").isEqualTo(workers * iterations);
            assertThat(Long.parseLong(end[1])).as("last token is the largest")
                    .isEqualTo(all.stream().mapToLong(Long::longValue).max().orElseThrow());
        } finally {
            jvms.forEach(TestJvm::close);
        }
    }

    @Test
    void threeProcessesAcquiringBackToBack_takeTurns() throws Exception {
        Path locks = dir.resolve("locks");
        Path barrier = Files.createDirectory(dir.resolve("barrier"));
        int workers = 3;
        List<TestJvm> jvms = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                jvms.add(TestJvm.start(TakeTurnsWorker.class, locks.toString(), barrier.toString(),
                        String.valueOf(workers), "3000"));
            }
            TreeMap<Long, Integer> holderByToken = new TreeMap<>();
            int[] grants = new int[workers];
            for (int w = 0; w < workers; w++) {
                List<String> out = jvms.get(w).finish(PATIENCE);
                String line = out.stream().filter(l -> l.startsWith("TOKENS")).findFirst().orElseThrow();
                for (String t : line.substring(6).trim().split(" ")) {
                    assertThat(holderByToken.put(Long.parseLong(t), w)).as("token %s granted twice", t).isNull();
                    grants[w]++;
                }
            }
            int total = holderByToken.size();
            int changes = 0;
            Integer previous = null;
            for (int holder : holderByToken.values()) {
                if (previous != null && previous != holder) {
                    changes++;
                }
                previous = holder;
            }
            String summary = "grants per process " + Arrays.toString(grants) + ", " + changes
                    + " of " + total + " grants changed process";
            System.out.println("take turns: " + summary);
            for (int g : grants) {
                assertThat(g).as("every process progresses: %s", summary).isGreaterThanOrEqualTo(total / 10);
            }
            assertThat(changes).as("the lock changes process often: %s", summary)
                    .isGreaterThanOrEqualTo(total / 10);
        } finally {
            jvms.forEach(TestJvm::close);
        }
    }

    @Test
    void killedHolder_freesLockForNextProcess_withinOneSecond() throws Exception {
        Path locks = dir.resolve("locks");
        try (FileLockManager manager = FileLockManager.create(FileLockSettings.of(locks));
                TestJvm holder = TestJvm.start(HoldingWorker.class, locks.toString(), "victim")) {
            String[] held = holder.awaitLine("HELD", PATIENCE).split(" ");
            long heldToken = Long.parseLong(held[1]);
            assertThat(manager.tryAcquire("victim")).as("held by the other process").isEmpty();
            LockInfo info = manager.inspect("victim").orElseThrow();
            assertThat(info.holder()).contains("pid " + held[2]);
            assertThat(info.fencingToken()).isEqualTo(heldToken);

            holder.process().destroyForcibly();
            assertThat(holder.process().waitFor(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            try (Lease lease = manager.acquire("victim", Duration.ofSeconds(1))) {
                assertThat(lease.fencingToken()).isGreaterThan(heldToken);
            }
            assertThat(manager.inspect("victim")).isEmpty();
        }
    }

    @Test
    void close_stopsThreadsWaitingForAnotherProcess() throws Exception {
        Path locks = dir.resolve("locks");
        try (TestJvm holder = TestJvm.start(HoldingWorker.class, locks.toString(), "held-elsewhere")) {
            holder.awaitLine("HELD", PATIENCE);
            FileLockManager manager = FileLockManager.create(FileLockSettings.of(locks));
            Waiter<Boolean> waiter = Waiter.start("waiter",
                    () -> manager.acquire("held-elsewhere", Duration.ofMinutes(10)).release())
                    .awaitBlocked();
            manager.close();
            assertThat(waiter.failure())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void setIfAbsent_acrossThreeProcesses_hasExactlyOneWinnerPerRound() throws Exception {
        List<long[]> wins = claimRounds("fresh", 10, 300_000, 100);
        Map<Long, Integer> winnersPerRound = new TreeMap<>();
        wins.forEach(w -> winnersPerRound.merge(w[0], 1, Integer::sum));
        assertThat(winnersPerRound).hasSize(10).allSatisfy((round, n) -> assertThat(n)
                .as("winners of round %d", round).isEqualTo(1));
    }

    @Test
    void expiredFlag_replacedByThreeProcesses_neverHasTwoLiveClaims() throws Exception {
        long ttl = 300;
        List<long[]> wins = claimRounds("expired", 8, ttl, 450);
        // most rounds find the last claim expired (a stalled machine may leave a round without)
        assertThat(wins.size()).as("wins").isGreaterThanOrEqualTo(4);
        for (long[] a : wins) {
            for (long[] b : wins) {
                // whichever came first, the other won while it was still live: two live claims
                boolean overlap = a != b && b[2] - a[1] < ttl - 2 && a[2] - b[1] < ttl - 2;
                assertThat(overlap).as("win %s inside win %s", Arrays.toString(b), Arrays.toString(a))
                        .isFalse();
            }
        }
    }

    /** Runs three FlagClaimWorkers; returns every win as {round, before, after}. */
    private List<long[]> claimRounds(String mode, int rounds, long ttlMillis, long spacingMillis)
            throws Exception {
        Path flags = dir.resolve("flags");
        Path go = dir.resolve("go");
        List<TestJvm> jvms = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                jvms.add(TestJvm.start(FlagClaimWorker.class, flags.toString(), String.valueOf(rounds),
                        go.toString(), mode, String.valueOf(ttlMillis), String.valueOf(spacingMillis)));
            }
            for (TestJvm jvm : jvms) {
                jvm.awaitLine("READY", PATIENCE);
            }
            AtomicFiles.writeString(go, String.valueOf(System.currentTimeMillis() + 200));
            List<long[]> wins = new ArrayList<>();
            int lines = 0;
            for (TestJvm jvm : jvms) {
                for (String line : jvm.finish(PATIENCE)) {
                    String[] p = line.split(" ");
                    if (p[0].equals("ROUND")) {
                        lines++;
                        if (p[2].equals("WON")) {
                            wins.add(new long[] {Long.parseLong(p[1]), Long.parseLong(p[3]),
                                    Long.parseLong(p[4])});
                        }
                    }
                }
            }
            assertThat(lines).isEqualTo(3 * rounds);
            return wins;
        } finally {
            jvms.forEach(TestJvm::close);
        }
    }

    @Test
    void atomicUpdates_fromThreadsAndTwoProcesses_loseAndDuplicateNoLine() throws Exception {
        Path locks = dir.resolve("locks");
        Path csv = dir.resolve("data.csv");
        String header = "# exported readings\n\nid,n\n\n# appended below\n";
        Files.writeString(csv, header);
        int perWorker = 60;
        List<TestJvm> jvms = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (FileLockManager manager = FileLockManager.create(FileLockSettings.of(locks))) {
            for (int p = 0; p < 2; p++) {
                jvms.add(TestJvm.start(CsvAppendWorker.class, locks.toString(), csv.toString(), "p" + p,
                        String.valueOf(perWorker)));
            }
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String id = "t" + t;
                threads.add(pool.submit(() -> {
                    for (int i = 0; i < perWorker; i++) {
                        String line = id + "," + i + "\n";
                        AtomicFiles.update(csv, manager, PATIENCE, s -> s + line);
                    }
                    return null;
                }));
            }
            for (Future<?> f : threads) {
                f.get();
            }
            for (TestJvm jvm : jvms) {
                jvm.finish(PATIENCE);
            }
        } finally {
            pool.shutdownNow();
            jvms.forEach(TestJvm::close);
        }
        String content = Files.readString(csv);
        assertThat(content).startsWith(header);
        List<String> lines = List.of(content.substring(header.length()).split("\n"));
        Set<String> expected = new HashSet<>();
        for (String id : List.of("p0", "p1", "t0", "t1", "t2", "t3")) {
            for (int i = 0; i < perWorker; i++) {
                expected.add(id + "," + i);
            }
        }
        assertThat(lines).hasSize(expected.size()).doesNotHaveDuplicates();
        assertThat(new HashSet<>(lines)).isEqualTo(expected);
    }

    @Test
    void atomicUpdates_throughARealPathAndASymbolicLink_fromTwoProcesses_loseNoLine() throws Exception {
        Path locks = dir.resolve("locks");
        Path release = Files.createDirectories(dir.resolve("releases/42"));
        Path config = Files.writeString(release.resolve("config.csv"), "");
        Path current = Files.createSymbolicLink(dir.resolve("current"), Path.of("releases/42"));
        int perWorker = 100;
        List<TestJvm> jvms = new ArrayList<>();
        try {
            jvms.add(TestJvm.start(CsvAppendWorker.class, locks.toString(), config.toString(), "real",
                    String.valueOf(perWorker)));
            jvms.add(TestJvm.start(CsvAppendWorker.class, locks.toString(),
                    current.resolve("config.csv").toString(), "link", String.valueOf(perWorker)));
            for (TestJvm jvm : jvms) {
                jvm.finish(PATIENCE);
            }
        } finally {
            jvms.forEach(TestJvm::close);
        }
        List<String> lines = Files.readAllLines(config);
        assertThat(lines).as("lines appended through two paths of one file").hasSize(2 * perWorker)
                .doesNotHaveDuplicates();
        assertThat(Files.isSymbolicLink(current)).isTrue();
    }

    @Test
    void tokens_keepIncreasing_betweenFalseAndDualProcesses_whenTheNewBackendIsAhead() throws Exception {
        Path fileLocks = dir.resolve("file-locks");
        Path newLocks = dir.resolve("new-locks");
        List<Long> tokens = new ArrayList<>();
        for (String mode : List.of("false", "dual", "false", "dual", "false")) {
            try (TestJvm jvm = TestJvm.start(TokenWorker.class, mode, fileLocks.toString(), newLocks.toString(),
                    "3600")) {
                tokens.add(Long.parseLong(jvm.awaitLine("TOKEN", PATIENCE).substring(6)));
                jvm.finish(PATIENCE);
            }
        }
        assertThat(tokens).as("tokens of false, dual, false, dual, false instances")
                .isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
    }

    @Test
    void close_reportsLeasesLost_beforeAnotherProcessCanTakeTheLock() throws Exception {
        Path locks = dir.resolve("locks");
        try (LockShell.Client other = LockShell.Client.start(locks)) {
            FileLockManager closing = FileLockManager.create(FileLockSettings.of(locks));
            Lease lease = closing.acquire("r", PATIENCE);
            java.util.concurrent.atomic.AtomicReference<Object> seen = new java.util.concurrent.atomic.AtomicReference<>();
            lease.onLost(() -> {
                try {
                    seen.set(other.canTake("r"));
                } catch (Exception e) {
                    seen.set(e);
                }
            });
            closing.close();
            assertThat(lease.isHeld()).isFalse();
            assertThat(seen.get()).as("another process could take the lock while the closing"
                    + " manager's lease was still held").isEqualTo(false);
            assertThat(other.canTake("r")).as("after close").isTrue();
        }
    }

    @Test
    void flagRemoval_isMadeDurable_byAnFsyncOfTheDirectory() throws Exception {
        Path flags = Files.createDirectory(dir.resolve("flags"));
        Path trace = dir.resolve("strace.txt");
        assumeTrue(runs("strace", "-f", "-o", "/dev/null", "true"), "needs strace (with ptrace allowed)");
        Process p = new ProcessBuilder("strace", "-f", "-qq", "-y", "-e", "trace=unlink,unlinkat,fsync",
                "-o", trace.toString(), ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), FlagClearWorker.class.getName(), flags.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        List<String> calls = Files.readAllLines(trace);
        int removal = -1;
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).contains("unlink") && calls.get(i).contains("gone.flag\"")) {
                removal = i;
            }
        }
        assertThat(removal).as("the flag file's removal in %s", calls).isNotNegative();
        String dirFsync = "fsync(";
        String dirPath = "<" + flags.toRealPath() + ">)";
        assertThat(calls.subList(removal + 1, calls.size()))
                .as("an fsync of the directory after the removal")
                .anyMatch(l -> l.contains(dirFsync) && l.contains(dirPath));
    }

    private static boolean runs(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
