package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.internal.Names;
import io.holdfast.lock.local.process.BigWriter;
import io.holdfast.lock.testkit.jvm.TestJvm;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void update_ofMissingFile_startsFromEmpty() throws Exception {
        Path f = dir.resolve("new.csv");
        try (LocalLockManager locks = LocalLockManager.create()) {
            assertThat(AtomicFiles.update(f, locks, WAIT, s -> s + "a,1\n")).isEqualTo("a,1\n");
        }
        assertThat(Files.readString(f)).isEqualTo("a,1\n");
    }

    @Test
    void update_keepsEveryUnchangedByte() throws Exception {
        Path f = dir.resolve("data.csv");
        byte[] original = "\uFEFF# comment\r\n\r\nid;value\r\n1;ä\r\n   \r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(f, original);
        try (LocalLockManager locks = LocalLockManager.create()) {
            AtomicFiles.update(f, locks, WAIT, s -> s + "2;ö\r\n");
        }
        byte[] after = Files.readAllBytes(f);
        assertThat(java.util.Arrays.copyOf(after, original.length)).isEqualTo(original);
        assertThat(new String(after, original.length, after.length - original.length,
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("2;ö\r\n");
    }

    @Test
    void update_ofInvalidUtf8_failsAndLeavesTheFile() throws Exception {
        Path f = dir.resolve("binary");
        byte[] bad = {(byte) 0xC3, (byte) 0x28, 'x'};
        Files.write(f, bad);
        try (LocalLockManager locks = LocalLockManager.create()) {
            assertThatThrownBy(() -> AtomicFiles.update(f, locks, WAIT, s -> s + "y"))
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining("UTF-8");
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(bad);
    }

    @Test
    void write_keepsPermissions_andLeavesNoTemporaryFile() throws Exception {
        Path f = dir.resolve("conf.txt");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.writeString(f, "new");
        assertThat(Files.readString(f)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test
    void lockResource_isAValidName_forAnyPath() {
        Path shortPath = dir.resolve("a.csv");
        assertThat(AtomicFiles.lockResource(shortPath)).isEqualTo("file:" + shortPath.toAbsolutePath());
        Path longPath = dir.resolve("d".repeat(200)).resolve("e".repeat(200) + ".csv");
        String r = AtomicFiles.lockResource(longPath);
        assertThat(Names.require("resource", r)).startsWith("file:~");
        assertThat(AtomicFiles.lockResource(dir.resolve("x/../a.csv"))).isEqualTo(AtomicFiles.lockResource(shortPath));
    }

    @Test
    void concurrentUpdaters_loseNoLine_andKeepCommentsAndBlanks() throws Exception {
        Path f = dir.resolve("data.csv");
        String header = "# header\n\nid,n\n";
        Files.writeString(f, header);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (LocalLockManager locks = LocalLockManager.create()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        String line = id + "," + i + "\n";
                        AtomicFiles.update(f, locks, WAIT, s -> s + line);
                    }
                    return null;
                }));
            }
            for (Future<?> fu : futures) {
                fu.get();
            }
        } finally {
            pool.shutdownNow();
        }
        String content = Files.readString(f);
        assertThat(content).startsWith(header);
        List<String> lines = List.of(content.substring(header.length()).split("\n"));
        assertThat(lines).hasSize(400).doesNotHaveDuplicates();
    }

    /**
     * A legacy writer rewrites the file in place, in two steps, under the exclusive lock that
     * {@link AtomicFiles#update} uses; readers through {@link AtomicFiles#read} never see the
     * half-written state. Without the shared lock they would (the writer pauses in between).
     */
    @Test
    void read_underTheSharedLock_neverSeesAFileRewrittenInPlace() throws Exception {
        Path f = dir.resolve("config.txt");
        String half = "x".repeat(512);
        Files.writeString(f, half + half);
        int rewrites = 200;
        try (FileLockManager writerLocks = FileLockManager.create(FileLockSettings.of(dir.resolve("locks")));
                FileLockManager readerLocks = FileLockManager.create(FileLockSettings.of(dir.resolve("locks")))) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                AtomicBoolean writing = new AtomicBoolean(true);
                Future<?> writer = pool.submit(() -> {
                    String resource = AtomicFiles.lockResource(f);
                    for (int i = 0; i < rewrites; i++) {
                        try (Lease lease = writerLocks.acquire(resource, WAIT)) {
                            Files.writeString(f, half); // truncates: the file is torn until the next write
                            Thread.sleep(1);
                            Files.writeString(f, half, StandardOpenOption.APPEND);
                        }
                    }
                    writing.set(false);
                    return null;
                });
                List<Future<Integer>> readers = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    readers.add(pool.submit(() -> {
                        int torn = 0;
                        while (writing.get()) {
                            if (AtomicFiles.read(f, readerLocks, WAIT).length() != 2 * half.length()) {
                                torn++;
                            }
                        }
                        return torn;
                    }));
                }
                writer.get();
                for (Future<Integer> r : readers) {
                    assertThat(r.get()).as("reads of a half-written file").isZero();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void write_ofFileWithLongestAllowedName_works() throws Exception {
        Path f = dir.resolve("n".repeat(250) + ".csv");
        AtomicFiles.writeString(f, "x");
        assertThat(Files.readString(f)).isEqualTo("x");
    }

    @Test
    void write_throughASymbolicLink_replacesTheFileItPointsTo_andKeepsTheLink() throws Exception {
        Path release = Files.createDirectories(dir.resolve("releases/42"));
        Path config = Files.writeString(release.resolve("config.csv"), "old\n");
        Path current = Files.createDirectory(dir.resolve("current"));
        Path link = Files.createSymbolicLink(current.resolve("config.csv"), Path.of("../releases/42/config.csv"));
        AtomicFiles.writeString(link, "new\n");
        assertThat(Files.isSymbolicLink(link)).as("the link is kept").isTrue();
        assertThat(Files.readString(config)).as("the real file changed").isEqualTo("new\n");
        Path dangling = Files.createSymbolicLink(current.resolve("limits.csv"), Path.of("../releases/42/limits.csv"));
        AtomicFiles.writeString(dangling, "created\n");
        assertThat(Files.isSymbolicLink(dangling)).isTrue();
        assertThat(Files.readString(release.resolve("limits.csv"))).isEqualTo("created\n");
        try (LocalLockManager locks = LocalLockManager.create()) {
            AtomicFiles.update(link, locks, WAIT, s -> s + "appended\n");
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(config)).isEqualTo("new\nappended\n");
    }

    @Test
    void lockResource_isTheSameForEveryPathOfOneFile() throws Exception {
        Path release = Files.createDirectories(dir.resolve("releases/42"));
        Path config = Files.writeString(release.resolve("config.csv"), "x");
        Path linkedDir = Files.createSymbolicLink(dir.resolve("current"), Path.of("releases/42"));
        Path linkedFile = Files.createSymbolicLink(dir.resolve("config-link.csv"), config);
        String resource = AtomicFiles.lockResource(config);
        assertThat(resource).isEqualTo("file:" + config.toRealPath());
        assertThat(AtomicFiles.lockResource(linkedDir.resolve("config.csv"))).isEqualTo(resource);
        assertThat(AtomicFiles.lockResource(linkedFile)).isEqualTo(resource);
        assertThat(AtomicFiles.lockResource(dir.resolve("releases/./42/../42/config.csv"))).isEqualTo(resource);
        assertThat(AtomicFiles.lockResource(linkedDir.resolve("missing.csv")))
                .as("a file that does not exist yet").isEqualTo("file:" + release.toRealPath().resolve("missing.csv"));
    }

    @Test
    void temporaryFileOfAKilledWriter_isRemovedByALaterWrite_butALiveWritersIsKept() throws Exception {
        Path killedDir = Files.createDirectory(dir.resolve("killed"));
        Path leftover = null;
        for (int attempt = 0; attempt < 5 && leftover == null; attempt++) {
            try (TestJvm writer = TestJvm.start(BigWriter.class, killedDir.resolve("big.bin").toString(), "8")) {
                Path tmp = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                        .until(() -> temporaryFile(killedDir), java.util.Objects::nonNull);
                writer.process().destroyForcibly().waitFor(); // SIGKILL mid-write
                leftover = Files.exists(tmp) ? tmp : temporaryFile(killedDir);
            }
        }
        assertThat(leftover).as("a killed writer left its temporary file").isNotNull();
        AtomicFiles.writeString(killedDir.resolve("other.txt"), "a later write");
        assertThat(temporaryFile(killedDir)).as("temporary file of the dead writer").isNull();

        Path liveDir = Files.createDirectory(dir.resolve("live"));
        try (TestJvm writer = TestJvm.start(BigWriter.class, liveDir.resolve("big.bin").toString(), "8")) {
            writer.awaitLine("WROTE 1", Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                    .until(() -> temporaryFile(liveDir), java.util.Objects::nonNull);
            AtomicFiles.writeString(liveDir.resolve("other.txt"), "a write beside a live writer");
            writer.awaitLine("WROTE 4", Duration.ofSeconds(60));
            assertThat(writer.output()).noneMatch(l -> l.startsWith("FAILED"));
        }
    }

    private static Path temporaryFile(Path d) throws java.io.IOException {
        try (var files = Files.list(d)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).findFirst().orElse(null);
        }
    }
}
