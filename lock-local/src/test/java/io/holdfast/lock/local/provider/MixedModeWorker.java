package io.holdfast.lock.local.provider;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockService;
import io.holdfast.lock.testkit.jvm.StartSignal;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A process of a rolling upgrade: takes its backend from the real environment
 * ({@link LockService#fromEnvironment()}), then increments a shared counter file under the lock
 * {@code counter} and runs "charge" sections claimed through the flag {@code charge-running}.
 * A marker file detects overlapping sections. Args: work directory, iterations.
 * Prints {@code BACKEND <name>}, {@code READY}, {@code GRANT <nanoTime> <token>} for each lock
 * section (the monotonic clock is host-wide), then {@code RESULT <overlaps> <chargeOverlaps> <charges>}.
 */
public final class MixedModeWorker {

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int iterations = Integer.parseInt(args[1]);
        Path counter = work.resolve("counter");
        int overlaps = 0;
        int chargeOverlaps = 0;
        int charges = 0;
        StringBuilder grants = new StringBuilder();
        try (LockService service = LockService.fromEnvironment()) {
            System.out.println("BACKEND " + service.backend());
            StartSignal.readyThenAwait(work.resolve("go"));
            for (int i = 0; i < iterations; i++) {
                try (Lease lease = service.locks().acquire("counter", Duration.ofSeconds(60))) {
                    grants.append("GRANT ").append(System.nanoTime()).append(' ')
                            .append(lease.fencingToken()).append('\n');
                    overlaps += enter(work.resolve("inside"));
                    long value = Long.parseLong(Files.readString(counter).trim());
                    Thread.yield();
                    Files.writeString(counter, Long.toString(value + 1));
                    Files.deleteIfExists(work.resolve("inside"));
                }
                if (service.status().setIfAbsent("charge-running", Duration.ofSeconds(30))) {
                    charges++;
                    chargeOverlaps += enter(work.resolve("charging"));
                    Thread.sleep(1);
                    Files.deleteIfExists(work.resolve("charging"));
                    service.status().clear("charge-running");
                }
            }
        }
        System.out.print(grants);
        System.out.println("RESULT " + overlaps + " " + chargeOverlaps + " " + charges);
    }

    /** Creates the marker; 1 if another process's marker was already there (an overlap). */
    private static int enter(Path marker) throws java.io.IOException {
        try {
            Files.createFile(marker);
            return 0;
        } catch (FileAlreadyExistsException e) {
            return 1;
        }
    }
}
