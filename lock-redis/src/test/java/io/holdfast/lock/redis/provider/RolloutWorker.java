package io.holdfast.lock.redis.provider;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockService;
import io.holdfast.lock.testkit.jvm.StartSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * One instance of a rolling upgrade, configured only by its real environment
 * ({@link LockService#fromEnvironment()}). Under the lock {@code counter} it reads the shared
 * file {@code <count> <last fencing token>}, checks that its token is greater, and writes
 * {@code <count + 1> <token>}; every section is also appended to a journal as its start and end,
 * so the test can look for interleaving. Claims of the flag {@code charge-running} are journalled
 * the same way. Args: work directory, iterations. Prints {@code BACKEND <name>}, {@code READY},
 * then {@code RESULT <stale tokens> <charges>}.
 */
public final class RolloutWorker {

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int iterations = Integer.parseInt(args[1]);
        String me = args[2];
        Path counter = work.resolve("counter");
        Path journal = work.resolve("journal-" + me);
        int stale = 0;
        int charges = 0;
        try (LockService service = LockService.fromEnvironment()) {
            System.out.println("BACKEND " + service.backend());
            StartSignal.readyThenAwait(work.resolve("go"));
            for (int i = 0; i < iterations; i++) {
                try (Lease lease = service.locks().acquire("counter", Duration.ofSeconds(60))) {
                    log(journal, "lock-begin");
                    String[] state = Files.readString(counter).trim().split(" ");
                    if (lease.fencingToken() <= Long.parseLong(state[1])) {
                        stale++;
                    }
                    Files.writeString(counter, (Long.parseLong(state[0]) + 1) + " " + lease.fencingToken());
                    log(journal, "lock-end");
                }
                if (service.status().setIfAbsent("charge-running", Duration.ofSeconds(30))) {
                    charges++;
                    log(journal, "charge-begin");
                    Thread.sleep(1);
                    log(journal, "charge-end");
                    service.status().clear("charge-running");
                }
            }
        }
        System.out.println("RESULT " + stale + " " + charges);
    }

    /** Appends {@code <nanoTime> <event>}: processes on one host share the monotonic clock. */
    private static void log(Path journal, String event) throws java.io.IOException {
        Files.writeString(journal, System.nanoTime() + " " + event + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
