package io.holdfast.reliability.worker;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockTimeoutException;
import io.holdfast.reliability.fence.FencedResource;
import io.holdfast.reliability.history.Event;
import io.holdfast.reliability.history.Event.Op;
import io.holdfast.reliability.history.Event.Phase;
import io.holdfast.reliability.history.HistoryChecker;
import io.holdfast.reliability.history.HistoryRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The workload of one thread: acquire, write to the fenced resource with the token, optionally
 * stay a while and write again (the two parts of one value, written non-atomically), release;
 * or, as a reader, acquire shared, read the value fenced with the token, stay, read it again,
 * release. Every step recorded. Used by worker JVMs and in-process scenarios alike. Not
 * thread-safe: one per thread.
 */
public final class Contender {

    private final LockManager manager;
    private final HistoryRecorder history;
    private final FencedResource fence;
    private final String writer;

    /**
     * @param writer the writer id given to the fence; must be {@code process/thread} of the
     *     calling thread so the checker can match writes to holds
     */
    public Contender(LockManager manager, HistoryRecorder history, FencedResource fence, String writer) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.history = Objects.requireNonNull(history, "history");
        this.fence = Objects.requireNonNull(fence, "fence");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /** Runs rounds over {@code resources} in turn while {@code go} is true, counting grants in {@code granted}. */
    public void loop(List<String> resources, Duration wait, Duration hold, BooleanSupplier go, AtomicLong granted)
            throws InterruptedException {
        loop(resources, wait, hold, go, granted, false);
    }

    /** As {@link #loop(List, Duration, Duration, BooleanSupplier, AtomicLong)}, reading rounds if {@code reader}. */
    public void loop(List<String> resources, Duration wait, Duration hold, BooleanSupplier go, AtomicLong granted,
            boolean reader) throws InterruptedException {
        int i = Math.floorMod(writer.hashCode(), resources.size());
        while (go.getAsBoolean()) {
            String resource = resources.get(i++ % resources.size());
            if (reader ? readRound(resource, wait, hold) : round(resource, wait, hold)) {
                granted.incrementAndGet();
            }
        }
    }

    /**
     * One reading round on {@code resource}: acquire shared, read, stay {@code hold}, read again,
     * release.
     *
     * @return true if the lock was granted
     */
    public boolean readRound(String resource, Duration wait, Duration hold) throws InterruptedException {
        Lease lease = acquireShared(resource, wait);
        if (lease == null) {
            return false;
        }
        read(resource, lease.fencingToken());
        Thread.sleep(hold.toMillis());
        read(resource, lease.fencingToken());
        release(lease);
        return true;
    }

    /**
     * One round on {@code resource}.
     *
     * @return true if the lock was granted
     */
    public boolean round(String resource, Duration wait, Duration hold) throws InterruptedException {
        Lease lease = acquire(resource, wait);
        if (lease == null) {
            return false;
        }
        write(resource, lease.fencingToken());
        if (!hold.isZero()) {
            Thread.sleep(hold.toMillis());
            write(resource, lease.fencingToken());
        }
        release(lease);
        return true;
    }

    /** Acquires and records it; null (recorded as a failure) if not granted. */
    public Lease acquire(String resource, Duration wait) throws InterruptedException {
        return acquire(resource, wait, false);
    }

    /** Acquires shared and records it (detail {@link Event#SHARED}); null if not granted. */
    public Lease acquireShared(String resource, Duration wait) throws InterruptedException {
        return acquire(resource, wait, true);
    }

    private Lease acquire(String resource, Duration wait, boolean shared) throws InterruptedException {
        String mode = shared ? Event.SHARED : null;
        history.record(Op.ACQUIRE, Phase.INVOKE, resource, 0, mode);
        try {
            Lease lease = shared ? manager.acquireShared(resource, wait) : manager.acquire(resource, wait);
            history.record(Op.ACQUIRE, Phase.OK, resource, lease.fencingToken(), mode);
            String thread = Thread.currentThread().getName();
            String process = writer.substring(0, writer.indexOf('/'));
            lease.onLost(() -> history.add(new Event(System.nanoTime(), process, thread, Op.LOST, Phase.OK,
                    resource, lease.fencingToken(), "lease lost")));
            return lease;
        } catch (LockTimeoutException e) {
            history.record(Op.ACQUIRE, Phase.FAIL, resource, 0, HistoryChecker.TIMEOUT + ": " + e.getMessage());
        } catch (RuntimeException e) {
            history.record(Op.ACQUIRE, Phase.FAIL, resource, 0, e.toString());
            Thread.sleep(50); // a failing backend: do not spin
        }
        return null;
    }

    /** Writes to the fence with {@code token} and records the outcome. */
    public boolean write(String resource, long token) {
        history.record(Op.WRITE, Phase.INVOKE, resource, token, null);
        boolean accepted = fence.write(resource, token, writer);
        history.record(Op.WRITE, accepted ? Phase.OK : Phase.FAIL, resource, token, accepted ? "accepted" : "stale");
        return accepted;
    }

    /**
     * Reads the fenced resource with {@code token} and records what it returned: the value's token
     * and {@code parts=<n>}, or a failure if refused as stale.
     */
    public FencedResource.Read read(String resource, long token) {
        history.record(Op.READ, Phase.INVOKE, resource, token, null);
        FencedResource.Read read = fence.read(resource, token, writer);
        history.record(Op.READ, read.accepted() ? Phase.OK : Phase.FAIL, resource, read.token(),
                read.accepted() ? "parts=" + read.parts() : "stale");
        return read;
    }

    /** Releases and records the outcome. */
    public void release(Lease lease) {
        history.record(Op.RELEASE, Phase.INVOKE, lease.resource(), lease.fencingToken(), null);
        try {
            boolean released = lease.release();
            history.record(Op.RELEASE, Phase.OK, lease.resource(), lease.fencingToken(),
                    released ? "released" : "already lost");
        } catch (RuntimeException e) {
            history.record(Op.RELEASE, Phase.FAIL, lease.resource(), lease.fencingToken(), e.toString());
        }
    }
}
