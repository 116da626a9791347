package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockTimeoutException;
import io.holdfast.lock.LockUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // leases and managers held for a block need no reference
class FileLockManagerTest {

    @TempDir
    Path dir;

    @Test
    void hostileNames_mapToDistinctFiles_insideTheDirectory() throws Exception {
        List<String> names = List.of("a/b", "a_b", "a%2Fb", "..", ".", "CON", "con", "A", "a",
                "../escape", "/abs", "x".repeat(256), "y".repeat(256), "ü", "u");
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(dir))) {
            Set<Path> files = new HashSet<>();
            Set<String> lowerCased = new HashSet<>();
            for (String n : names) {
                Path f = locks.lockFile(n);
                assertThat(f.getParent()).as("parent of '%s'", n).isEqualTo(dir.toRealPath());
                assertThat(f.getFileName().toString()).doesNotStartWith(".").endsWith(".lock");
                files.add(f);
                lowerCased.add(f.getFileName().toString().toLowerCase());
                try (Lease lease = locks.acquire(n, Duration.ZERO)) {
                    assertThat(f).exists();
                }
            }
            assertThat(files).hasSize(names.size());
            assertThat(lowerCased).as("distinct on case-insensitive file systems").hasSize(names.size());
            try (var listing = Files.list(dir)) {
                assertThat(listing.filter(p -> p.toString().endsWith(".lock"))).hasSize(names.size());
            }
        }
    }

    @Test
    void fencingCounter_survivesManagers_becauseLockFilesAreKept() throws Exception {
        long first;
        try (FileLockManager a = FileLockManager.create(FileLockSettings.of(dir));
                Lease lease = a.acquire("job", Duration.ZERO)) {
            first = lease.fencingToken();
        }
        assertThat(Files.size(dir.resolve("job.lock"))).as("counter kept, holder line removed").isEqualTo(8);
        try (FileLockManager b = FileLockManager.create(FileLockSettings.of(dir));
                Lease lease = b.acquire("job", Duration.ZERO)) {
            assertThat(lease.fencingToken()).isGreaterThan(first);
        }
    }

    @Test
    void missingDirectory_isCreated_andUnusableDirectory_isNamedInTheError() throws Exception {
        Path nested = dir.resolve("a/b/c");
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(nested))) {
            assertThat(nested).isDirectory();
        }
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> FileLockManager.create(FileLockSettings.of(file.resolve("sub"))))
                .isInstanceOf(LockUnavailableException.class)
                .hasMessageContaining(file.resolve("sub").toString());
    }

    @Test
    void timeout_namesTheHolder() throws Exception {
        try (FileLockManager a = FileLockManager.create(FileLockSettings.of(dir));
                FileLockManager b = FileLockManager.create(FileLockSettings.of(dir))) {
            Lease held = a.acquire("busy", Duration.ZERO);
            CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
                try {
                    b.acquire("busy", Duration.ofMillis(200)).release();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            assertThat(failure.get()).isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("held by").hasMessageContaining(Thread.currentThread().getName());
            held.release();
        }
    }

    @Test
    void settings_rejectPollIntervalsOutOfRange() {
        assertThatThrownBy(() -> FileLockSettings.builder(dir).maxPollInterval(Duration.ofNanos(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPollInterval");
        assertThatThrownBy(() -> FileLockSettings.builder(dir).maxPollInterval(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1s");
        assertThatThrownBy(() -> FileLockSettings.builder(null)).isInstanceOf(NullPointerException.class);
        FileLockSettings s = FileLockSettings.from(FileLockSettings.of(dir)).fair(true).build();
        assertThat(s.fair()).isTrue();
        assertThat(s.maxPollInterval()).isEqualTo(FileLockSettings.DEFAULT_MAX_POLL_INTERVAL);
    }

    @Test
    void tryAcquire_byInterruptedThread_stillAnswers_andKeepsTheFlag() throws Exception {
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(dir))) {
            Thread.currentThread().interrupt();
            try {
                Lease lease = locks.tryAcquire("x").orElseThrow();
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
                assertThat(lease.release()).isTrue();
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
                assertThat(dir.resolve("x.lock")).hasSize(8);
            } finally {
                Thread.interrupted();
            }
            long first = java.nio.ByteBuffer.wrap(Files.readAllBytes(dir.resolve("x.lock"))).getLong();
            try (Lease again = locks.tryAcquire("x").orElseThrow()) {
                assertThat(again.fencingToken()).isGreaterThan(first);
            }
        }
    }
}
