package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.process.AcquireAllWorker;
import io.holdfast.lock.local.process.LockShell;
import io.holdfast.lock.local.process.ReadWriteWorker;
import io.holdfast.lock.local.process.ReaderLoopWorker;
import io.holdfast.lock.testkit.jvm.ReadWriteRounds;
import io.holdfast.lock.testkit.jvm.TestJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shared file locks and {@code acquireAll} across real JVM processes. */
class SharedLocksCrossProcessTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void readersAndWriters_inFourProcesses_neverSeeATornValue_andTokensIncrease() throws Exception {
        Path locks = dir.resolve("locks");
        Path value = dir.resolve("value.txt");
        ReadWriteRounds.runAndCheck(4, 2, 150, value, PATIENCE, i -> TestJvm.start(
                ReadWriteWorker.class, locks.toString(), value.toString(), "2", "150"));
    }

    @Test
    void writerWaitingInAnotherProcess_blocksNewReaders_untilServed() throws Exception {
        Path locks = dir.resolve("locks");
        String r = "intent";
        try (FileLockManager manager = FileLockManager.create(FileLockSettings.of(locks));
                LockShell.Client other = LockShell.Client.start(locks)) {
            Lease reader = manager.acquireShared(r, PATIENCE);
            assertThat(other.canShare(r)).as("readers of two processes overlap").isTrue();
            assertThat(other.canTake(r)).as("a writer while a reader holds").isFalse();
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    return other.hold(r);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(PATIENCE).until(() -> !sharedOnOtherThread(manager, r));
            assertThat(writer).isNotDone();
            long readerToken = reader.fencingToken();
            assertThat(reader.release()).isTrue();
            assertThat(writer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isGreaterThan(readerToken);
            assertThat(sharedOnOtherThread(manager, r)).as("while the other process writes").isFalse();
            assertThat(other.release(r)).isTrue();
            assertThat(sharedOnOtherThread(manager, r)).isTrue();
        }
    }

    @Test
    void acquireAll_inOppositeOrders_acrossProcesses_neverDeadlocks() throws Exception {
        Path locks = dir.resolve("locks");
        Path counter = dir.resolve("counter.txt");
        Files.writeString(counter, "0");
        int rounds = 200;
        try (TestJvm ab = TestJvm.start(AcquireAllWorker.class, locks.toString(), counter.toString(),
                        String.valueOf(rounds), "account-a", "account-b");
                TestJvm ba = TestJvm.start(AcquireAllWorker.class, locks.toString(), counter.toString(),
                        String.valueOf(rounds), "account-b", "account-a")) {
            assertThat(ab.finish(PATIENCE)).contains("DONE");
            assertThat(ba.finish(PATIENCE)).contains("DONE");
        }
        assertThat(Files.readString(counter).trim()).isEqualTo(String.valueOf(2 * rounds));
    }

    @Test
    void readersOfAnotherProcess_areSeenByInspect_andKeepWritersOut() throws Exception {
        Path locks = dir.resolve("locks");
        String r = "read-elsewhere";
        try (FileLockManager manager = FileLockManager.create(FileLockSettings.of(locks));
                LockShell.Client other = LockShell.Client.start(locks)) {
            long token = other.holdShared(r);
            assertThat(manager.inspect(r)).get().satisfies(info -> {
                assertThat(info.holder()).startsWith("shared by");
                assertThat(info.fencingToken()).isEqualTo(token);
            });
            assertThat(manager.tryAcquire(r)).isEmpty();
            try (Lease mine = manager.tryAcquireShared(r).orElseThrow()) {
                assertThat(mine.fencingToken()).isGreaterThan(token);
            }
            assertThat(other.release(r)).isTrue();
            assertThat(manager.inspect(r)).isEmpty();
        }
    }

    /**
     * Three processes keep the lock held shared (two threads each, overlapping); a writer here
     * still gets it while they read, long before they run out of rounds.
     */
    @Test
    void continuousReadersInOtherProcesses_neverStarveAWriter() throws Exception {
        Path locks = dir.resolve("locks");
        Path stop = dir.resolve("stop");
        String r = "starve";
        int rounds = 20_000; // bounds the run if the writer starves: then the readers use them all
        List<TestJvm> readers = new ArrayList<>();
        try (FileLockManager manager = FileLockManager.create(FileLockSettings.of(locks))) {
            for (int i = 0; i < 3; i++) {
                readers.add(TestJvm.start(ReaderLoopWorker.class, locks.toString(), r,
                        stop.toString(), "2", String.valueOf(rounds)));
            }
            for (TestJvm reader : readers) {
                reader.awaitLine("READING", PATIENCE);
            }
            try (Lease writer = manager.acquire(r, PATIENCE)) {
                Files.createFile(stop);
            }
            for (TestJvm reader : readers) {
                String line = reader.finish(PATIENCE).stream().filter(l -> l.startsWith("ROUNDS"))
                        .findFirst().orElseThrow();
                assertThat(Arrays.stream(line.substring(6).trim().split(" ")).mapToInt(Integer::parseInt))
                        .as("reader rounds (all %d: the writer waited for the readers to stop)", rounds)
                        .allMatch(n -> n < rounds);
            }
        } finally {
            readers.forEach(TestJvm::close);
        }
    }

    @Test
    void killedReader_freesTheLockForAWriter() throws Exception {
        Path locks = dir.resolve("locks");
        String r = "reader-killed";
        try (FileLockManager manager = FileLockManager.create(FileLockSettings.of(locks));
                LockShell.Client reader = LockShell.Client.start(locks)) {
            long token = reader.holdShared(r);
            assertThat(manager.tryAcquire(r)).as("held shared by the other process").isEmpty();
            reader.kill();
            try (Lease lease = manager.acquire(r, Duration.ofSeconds(1))) {
                assertThat(lease.fencingToken()).isGreaterThan(token);
            }
        }
    }

    /** Whether a new thread of this process gets the lock shared at once (released again). */
    private static boolean sharedOnOtherThread(FileLockManager m, String r) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            Optional<Lease> l = m.tryAcquireShared(r);
            l.ifPresent(Lease::release);
            return l.isPresent();
        }).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
}
