package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.process.LockShell;
import io.holdfast.lock.testkit.conformance.Waiter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exclusion and the fencing counter live in the lock file's inode. An operator, a cleaner of the
 * temporary directory or a reboot can remove, truncate or replace it: tokens must still increase,
 * a waiter must not lock a file the path no longer names, and a removed directory must come back.
 */
@SuppressWarnings("try") // leases held for a block need no reference
class LockFileLossTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void idleLockFile_removedOrTruncated_tokensKeepIncreasing() throws Exception {
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(dir))) {
            long last = token(locks);
            for (int i = 0; i < 3; i++) {
                last = assertGreater(token(locks), last, "after a normal release");
                Files.delete(locks.lockFile("job"));
                last = assertGreater(token(locks), last, "after the lock file was removed");
                try (FileChannel ch = FileChannel.open(locks.lockFile("job"), StandardOpenOption.WRITE)) {
                    ch.truncate(0);
                }
                last = assertGreater(token(locks), last, "after the lock file was truncated");
                Files.write(locks.lockFile("job"), ByteBuffer.allocate(8).putLong(1).array());
                last = assertGreater(token(locks), last, "after the counter was overwritten with 1");
            }
        }
    }

    @Test
    void heldLockFile_removed_nextHolderGetsAGreaterToken_andTheOldReleaseReportsIt() throws Exception {
        try (LockShell.Client holder = LockShell.Client.start(dir);
                FileLockManager locks = FileLockManager.create(FileLockSettings.of(dir))) {
            long held = holder.hold("job");
            assertThat(locks.tryAcquire("job")).as("held by the other process").isEmpty();
            Files.delete(locks.lockFile("job")); // a cleaner removes the held file
            try (Lease mine = locks.acquire("job", PATIENCE)) {
                // exclusion is gone (the files differ); the token must still fence the old holder out
                boolean oldRelease = holder.release("job");
                assertThat(mine.fencingToken()).isGreaterThan(held);
                assertThat(oldRelease).as("the old holder learns at release that it was not alone").isFalse();
            }
        }
    }

    @Test
    void lockFileReplaced_whileAProcessWaits_theWaiterDoesNotLockTheOldFile() throws Exception {
        try (LockShell.Client first = LockShell.Client.start(dir);
                LockShell.Client second = LockShell.Client.start(dir);
                FileLockManager locks = FileLockManager.create(FileLockSettings.of(dir))) {
            long firstToken = first.hold("job");
            Waiter<Long> waiter = Waiter.start("waiter", () -> {
                try (Lease l = locks.acquire("job", Duration.ofMinutes(2))) {
                    return l.fencingToken();
                }
            }).awaitBlocked(); // it found the old file locked and backs off before polling again
            Path file = locks.lockFile("job");
            Path fresh = dir.resolve("job.lock.new");
            Files.write(fresh, new byte[8]);
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long secondToken = second.hold("job"); // locks the new file at once
            boolean firstReleased = first.release("job");
            // the old file is free now: the waiter must see that the path names another file
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                    .until(() -> !waiter.isDone());
            assertThat(firstReleased).as("the first holder's release: its file was replaced").isFalse();
            assertThat(second.release("job")).isTrue();
            assertThat(waiter.get()).isGreaterThan(Math.max(firstToken, secondToken));
        }
    }

    @Test
    void removedDirectory_isCreatedAgain_forLocksAndFlags() throws Exception {
        Path shared = dir.resolve("holdfast-locks");
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(shared));
                FileStatusManager flags = FileStatusManager.create(FileStatusSettings.of(shared))) {
            long before = token(locks);
            flags.set("charge-running", PATIENCE);
            deleteTree(shared); // as a cleaner of the temporary directory, or a reboot, would
            assertThat(flags.isSet("charge-running")).isFalse();
            assertThat(flags.list()).isEmpty();
            assertThat(token(locks)).isGreaterThan(before);
            assertThat(flags.setIfAbsent("charge-running", PATIENCE)).isTrue();
            deleteTree(shared);
            flags.set("charge-running", PATIENCE);
            assertThat(flags.clear("charge-running")).isTrue();
            assertThat(shared).isDirectory();
        }
    }

    private static long token(FileLockManager locks) throws InterruptedException {
        try (Lease l = locks.acquire("job", PATIENCE)) {
            return l.fencingToken();
        }
    }

    private static long assertGreater(long token, long last, String when) {
        assertThat(token).as("token %s", when).isGreaterThan(last);
        return token;
    }

    private static void deleteTree(Path root) throws Exception {
        try (var files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
