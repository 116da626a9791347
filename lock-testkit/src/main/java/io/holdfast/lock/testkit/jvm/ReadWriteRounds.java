package io.holdfast.lock.testkit.jvm;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
