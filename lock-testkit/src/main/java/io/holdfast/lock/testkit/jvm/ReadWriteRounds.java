package io.holdfast.lock.testkit.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The body of a cross-process read-write worker, for any backend: reads and writes a two-part
 * value file ({@code first second lastWriterToken}) under the shared and the exclusive lock of
 * resource {@code value}. Writers rewrite it in place in two steps (first part, then both) with a
 * marker file present, so a reader that sees the parts differ, or the marker, saw a write in
 * progress; a writer that finds the marker overlaps another writer; a grant whose token is not
 * above the last writer's came out of order. Prints {@code VIOLATION} lines, then {@code TOKENS}
 * (every grant's token), {@code COUNTS reads writes} and {@code DONE}. One operation in five
 * writes. Closes the manager when done.
 */
public final class ReadWriteRounds {

    private ReadWriteRounds() {}

    /**
     * Starts {@code processes} workers (each runs {@link #run} with {@code threads} and
     * {@code ops}; {@code start} is given the process number), waits for them and checks their
     * reports and the value file {@code value} (initially {@code "0 0 0"}): no violation, every
     * operation done, every grant's token distinct, no write lost.
     */
    public static void runAndCheck(int processes, int threads, int ops, Path value,
            Duration patience, WorkerStarter start) throws Exception {
        Files.writeString(value, "0 0 0");
        List<TestJvm> jvms = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                jvms.add(start.start(i));
            }
            List<Long> tokens = new ArrayList<>();
            int writes = 0;
            for (TestJvm jvm : jvms) {
                List<String> out = jvm.finish(patience);
                assertThat(out).noneMatch(l -> l.startsWith("VIOLATION"));
                out.stream().filter(l -> l.startsWith("TOKENS")).findFirst().ifPresent(l ->
                        Arrays.stream(l.substring(6).trim().split(" ")).map(Long::parseLong)
                                .forEach(tokens::add));
                String[] counts = out.stream().filter(l -> l.startsWith("COUNTS")).findFirst()
                        .orElseThrow().split(" ");
                assertThat(Integer.parseInt(counts[1]) + Integer.parseInt(counts[2]))
                        .isEqualTo(threads * ops);
                writes += Integer.parseInt(counts[2]);
            }
            assertThat(tokens).hasSize(processes * threads * ops);
            assertThat(new HashSet<>(tokens))
                    .as("every grant, shared or exclusive, has its own token").hasSize(tokens.size());
            String[] end = Files.readString(value).trim().split(" ");
            assertThat(Long.parseLong(end[0])).as("writes").isEqualTo(writes);
            assertThat(end[1]).isEqualTo(end[0]);
        } finally {
            jvms.forEach(TestJvm::close);
        }
    }

    /** Starts worker process number {@code i} of {@link #runAndCheck}. */
    @FunctionalInterface
    public interface WorkerStarter {
        /** The started worker. */
        TestJvm start(int i) throws Exception;
    }

    /**
     * Runs {@code threads} threads of {@code ops} operations each on {@code locks}' resource
     * {@code value} and prints the report described above (after {@code READY} at the start).
     */
    public static void run(LockManager locks, Path value, int threads, int ops) throws Exception {
        Path marker = Path.of(value + ".writing");
        ConcurrentLinkedQueue<Long> tokens = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        int[] counts = new int[2];
        try (locks) {
            System.out.println("READY");
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread w = new Thread(() -> {
                    try {
                        for (int i = 0; i < ops; i++) {
                            boolean write = (i + id) % 5 == 0;
                            try (Lease lease = write ? locks.acquire("value", Duration.ofSeconds(60))
                                    : locks.acquireShared("value", Duration.ofSeconds(60))) {
                                long token = lease.fencingToken();
                                tokens.add(token);
                                String[] parts = Files.readString(value).trim().split(" ");
                                long first = Long.parseLong(parts[0]);
                                long last = Long.parseLong(parts[2]);
                                if (token <= last) {
                                    violations.add((write ? "writer" : "reader") + " token " + token
                                            + " after writer token " + last);
                                }
                                if (write) {
                                    write(value, marker, first, token, violations);
                                } else {
                                    if (!parts[0].equals(parts[1]) || Files.exists(marker)) {
                                        violations.add("reader saw a write in progress: "
                                                + String.join(" ", parts));
                                    }
                                }
                                synchronized (counts) {
                                    counts[write ? 1 : 0]++;
                                }
                            }
                        }
                    } catch (Exception e) {
                        violations.add("failure " + e);
                    }
                }, "rw-" + t);
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) {
                w.join();
            }
        }
        violations.forEach(v -> System.out.println("VIOLATION " + v));
        StringBuilder line = new StringBuilder("TOKENS");
        tokens.forEach(t -> line.append(' ').append(t));
        System.out.println(line);
        System.out.println("COUNTS " + counts[0] + " " + counts[1]);
        System.out.println("DONE");
    }

    private static void write(Path value, Path marker, long first, long token,
            ConcurrentLinkedQueue<String> violations) throws Exception {
        try {
            Files.createFile(marker);
        } catch (FileAlreadyExistsException e) {
            violations.add("two writers overlapped (token " + token + ")");
        }
        Files.writeString(value, (first + 1) + " " + first + " " + token); // torn on purpose
        Thread.sleep(1);
        Files.writeString(value, (first + 1) + " " + (first + 1) + " " + token);
        Files.delete(marker);
    }
}
