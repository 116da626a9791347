package io.holdfast.benchmarks.local;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import io.holdfast.lock.local.LocalLockManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process paths of issue 6, one thread, uncontended: a bare {@link ReentrantLock} lock+unlock
 * (the floor), {@link LocalLockManager} acquire+release (target: within 3× the floor), a reentrant
 * re-acquire while the thread already holds the lock (target: no allocation, see {@code -prof gc}),
 * and {@link FileLockManager} acquire+release (an OS file lock and a counter write per grant).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@State(Scope.Thread)
public class LocalLockBench {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ReentrantLock bare = new ReentrantLock();
    private LocalLockManager local;
    private Lease outer;
    private Path directory;
    private FileLockManager file;

    /** Opens the managers; the re-acquire benchmark's outer hold is taken here. */
    @Setup(Level.Trial)
    public void open() throws Exception {
        local = LocalLockManager.create();
        outer = local.acquire("held", WAIT);
        directory = Files.createTempDirectory("holdfast-jmh");
        file = FileLockManager.create(FileLockSettings.of(directory));
    }

    /** Releases and closes everything and deletes the lock files. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        outer.release();
        local.close();
        file.close();
        try (var files = Files.list(directory)) {
            files.forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        Files.delete(directory);
    }

    /** The floor: {@code ReentrantLock.lock()} + {@code unlock()}. */
    @Benchmark
    public void reentrantLock() {
        bare.lock();
        bare.unlock();
    }

    /** {@code LocalLockManager.acquire} + {@code Lease.release()} on a free resource. */
    @Benchmark
    public long localAcquireRelease() throws InterruptedException {
        return cycle(local, "r");
    }

    /** A nested acquire + release of a resource this thread already holds (no backend call). */
    @Benchmark
    public long localReentrantReacquire() throws InterruptedException {
        return cycle(local, "held");
    }

    /** {@code FileLockManager.acquire} + {@code release} on a free resource (fcntl lock, counter write). */
    @Benchmark
    public long fileAcquireRelease() throws InterruptedException {
        return cycle(file, "r");
    }

    private static long cycle(LockManager manager, String resource) throws InterruptedException {
        Lease lease = manager.acquire(resource, WAIT);
        long token = lease.fencingToken();
        lease.release();
        return token;
    }
}
