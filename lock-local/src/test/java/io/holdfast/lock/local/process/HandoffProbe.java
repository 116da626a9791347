package io.holdfast.lock.local.process;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures cross-process handoff: run two or more copies on one lock directory; each prints
 * {@code ACQ <nanoTime>} and {@code REL <nanoTime>} (CLOCK_MONOTONIC is host-wide on Linux) so the
 * gap between one process's release and another's acquire can be computed. Not a test.
 * Args: directory, rounds, maxPollInterval micros.
 */
@SuppressWarnings("try") // the lease is held for the block
public final class HandoffProbe {

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[1]);
        FileLockSettings settings = FileLockSettings.builder(Path.of(args[0]))
                .maxPollInterval(Duration.ofNanos(Long.parseLong(args[2]) * 1000)).build();
        StringBuilder out = new StringBuilder();
        long pid = ProcessHandle.current().pid();
        try (FileLockManager locks = FileLockManager.create(settings)) {
            for (int i = 0; i < rounds; i++) {
                try (Lease lease = locks.acquire("handoff", Duration.ofSeconds(30))) {
                    out.append("ACQ ").append(pid).append(' ').append(System.nanoTime()).append('\n');
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(500_000, 3_000_000));
                    out.append("REL ").append(pid).append(' ').append(System.nanoTime()).append('\n');
                }
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(10_000, 100_000));
            }
        }
        System.out.print(out);
    }
}
