package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStatusManagerTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();

    private FileStatusManager manager() {
        return FileStatusManager.create(FileStatusSettings.builder(dir).clock(clock).build());
    }

    @Test
    void ttl_isHonouredOnRead_andExpiredFileIsRemoved() {
        try (FileStatusManager a = manager(); FileStatusManager b = manager()) {
            a.set("charge-running", Duration.ofSeconds(30));
            Path file = dir.resolve("charge-running.flag");
            assertThat(file).exists();
            clock.advance(Duration.ofSeconds(29));
            assertThat(b.isSet("charge-running")).isTrue();
            clock.advance(Duration.ofSeconds(1));
            assertThat(b.isSet("charge-running")).isFalse();
            assertThat(file).doesNotExist();
        }
    }

    @Test
    void expiredFlag_isReclaimedByOtherOwner_andLateClearLeavesIt() {
        try (FileStatusManager a = manager(); FileStatusManager b = manager()) {
            a.set("export", Duration.ofSeconds(5));
            clock.advance(Duration.ofSeconds(6));
            assertThat(b.setIfAbsent("export", Duration.ofMinutes(1))).isTrue();
            assertThat(a.clear("export")).isFalse();
            assertThat(a.get("export").orElseThrow().owner()).isEqualTo(b.get("export").orElseThrow().owner());
        }
    }

    @Test
    void list_dropsExpiredFiles_andIgnoresForeignFiles() throws Exception {
        try (FileStatusManager a = manager()) {
            a.set("short", Duration.ofSeconds(1));
            a.set("long", Duration.ofMinutes(1));
            Files.writeString(dir.resolve("garbage.flag"), "not a flag");
            Files.writeString(dir.resolve("notes.txt"), "hello");
            clock.advance(Duration.ofSeconds(2));
            assertThat(a.list()).containsExactly("long");
            assertThat(dir.resolve("short.flag")).doesNotExist();
            assertThat(a.isSet("garbage")).isFalse();
        }
    }

    @Test
    void longNames_areHashed_butListedByTheirRealName() {
        String name = "n".repeat(256);
        try (FileStatusManager a = manager()) {
            a.set(name, Duration.ofMinutes(1));
            assertThat(a.list()).containsExactly(name);
            assertThat(a.clear(name)).isTrue();
        }
    }

    @Test
    void closedManager_rejectsChanges() {
        FileStatusManager a = manager();
        a.close();
        assertThatThrownBy(() -> a.set("x", Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void flagFiles_neverLeaveTemporaryFilesBehind() throws Exception {
        try (FileStatusManager a = manager()) {
            for (int i = 0; i < 20; i++) {
                a.set("f", Duration.ofMinutes(1));
            }
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("f.flag", ".flags.lock");
            }
        }
    }

    @Test
    void readersOfAnExpiredFlag_neverRemoveAClaimMadeMeanwhile() throws Exception {
        int rounds = 200;
        int doubleOwners = 0;
        try (FileStatusManager previous = manager(); FileStatusManager reader = manager();
                FileStatusManager claimer = manager(); FileStatusManager late = manager()) {
            for (int i = 0; i < rounds; i++) {
                previous.set("charge-running", Duration.ofSeconds(1));
                clock.advance(Duration.ofSeconds(2)); // expired, and nobody has looked yet
                boolean listing = i % 2 == 1;
                CyclicBarrier start = new CyclicBarrier(2);
                CompletableFuture<Boolean> read = CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return listing ? reader.list().contains("charge-running")
                            : reader.get("charge-running").isPresent();
                });
                await(start);
                boolean claimed = claimer.setIfAbsent("charge-running", Duration.ofMinutes(1));
                read.get(30, TimeUnit.SECONDS);
                assertThat(claimed).isTrue();
                if (late.setIfAbsent("charge-running", Duration.ofMinutes(1))) {
                    doubleOwners++;
                }
                previous.forceClear("charge-running");
            }
        }
        assertThat(doubleOwners).as("rounds of %d with two owners of one flag", rounds).isZero();
    }

    @Test
    void namesThatDifferOnlyInAnUnpairedSurrogate_areRefused_notMergedIntoOneFile() {
        try (FileStatusManager a = manager(); FileStatusManager b = manager()) {
            assertThat(a.setIfAbsent("job-?", Duration.ofMinutes(1))).isTrue();
            assertThatThrownBy(() -> b.setIfAbsent("job-\uD83D", Duration.ofMinutes(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
            assertThatThrownBy(() -> b.set("job-\uD83E", Duration.ofMinutes(1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(a.get("job-?").orElseThrow().owner()).isNotEqualTo(b.toString());
            assertThat(b.setIfAbsent("job-\uD83D\uDE00", Duration.ofMinutes(1))).isTrue();
            assertThat(a.list()).containsExactlyInAnyOrder("job-?", "job-\uD83D\uDE00");
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
