package io.holdfast.lock.local.process;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.internal.env.DualLockManager;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One grant of lock {@code r} by an instance of a rollout, then exit: {@code false} takes the
 * file lock in the first directory; {@code dual} takes it and then the lock of a second backend
 * whose lease token it carries. The second backend stands in for a Redis whose clock runs ahead
 * of this host's: file locks in the second directory whose counter is first raised to the clock
 * plus the given offset (Redis tokens are {@code max(counter + 1, server µs)}). Prints
 * {@code TOKEN <token>}. Args: mode, first directory, second directory, offset seconds.
 */
public final class TokenWorker {

    public static void main(String[] args) throws Exception {
        LockManager file = FileLockManager.create(FileLockSettings.of(Path.of(args[1])));
        LockManager locks = file;
        if (args[0].equals("dual")) {
            FileLockManager ahead = FileLockManager.create(FileLockSettings.of(Path.of(args[2])));
            ahead.tryAcquire("r").orElseThrow().release();
            // instances run one after another: nobody holds the lock while its counter is set
            long clock = ChronoUnit.MICROS.between(Instant.EPOCH,
                    Instant.now().plusSeconds(Long.parseLong(args[3])));
            Path counter = ahead.lockFile("r");
            if (ByteBuffer.wrap(Files.readAllBytes(counter)).getLong() < clock) {
                Files.write(counter, ByteBuffer.allocate(8).putLong(clock).array());
            }
            locks = DualLockManager.of(file, ahead, null);
        }
        try (LockManager m = locks; Lease lease = m.acquire("r", Duration.ofSeconds(60))) {
            System.out.println("TOKEN " + lease.fencingToken());
        }
    }
}
