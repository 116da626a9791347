package io.holdfast.lock.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A held lock as stored by its backend, for operators: who holds it, with which fencing token,
 * for how long still, and who waits.
 *
 * @param name the resource name (decoded; a name too long to be stored readably shows as
 *     {@code ~<sha-256>})
 * @param backend the backend that stores it: {@code redis}, {@code file}
 * @param mode {@code exclusive}, or {@code shared} when only readers hold it
 * @param ownerId the holder's owner id (of a shared lock: the first reader found)
 * @param thread the holder's thread as the backend recorded it
 * @param acquiredAt when the holder's acquire began (the holder's clock; on Redis this includes
 *     the time it waited in the queue)
 * @param token the fencing token of the holder's grant (a holder that handed the lease on to
 *     other threads of its process uses up to {@code token + handoffs})
 * @param leaseLeft the lease left, for backends with leases
 * @param queueLength live waiters (one per process)
 * @param oldestWait how long the oldest live waiter has waited, where the backend records it
 * @param holder the holding instance, when it is registered or found
 * @param queue the waiters in order, filled by {@link LockAdmin#inspect} only
 * @param stored the backend's raw holder record, for a compare-and-evict release
 * @param readers how many hold it shared (processes on the file backend, leases on Redis); 0 when
 *     exclusive
 */
public record LockState(String name, String backend, String mode, String ownerId, String thread,
        Instant acquiredAt, long token, Optional<Duration> leaseLeft, int queueLength,
        Optional<Duration> oldestWait, Optional<InstanceInfo> holder, List<QueueEntry> queue,
        String stored, int readers) {

    /** Checks the components and copies the queue. */
    public LockState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(acquiredAt, "acquiredAt");
        Objects.requireNonNull(leaseLeft, "leaseLeft");
        Objects.requireNonNull(oldestWait, "oldestWait");
        Objects.requireNonNull(holder, "holder");
        queue = List.copyOf(queue);
        Objects.requireNonNull(stored, "stored");
        if (readers < 0 || (readers > 0) != mode.equals("shared")) {
            throw new IllegalArgumentException("readers " + readers + " with mode " + mode
                    + ": a shared lock has readers, an exclusive one none");
        }
    }

    /** The holder as an operator recognises it: {@code host:pid app}, else a short owner id. */
    public String holderName() {
        String first = holder.map(InstanceInfo::describe).orElseGet(() -> LockAdmin.shortId(ownerId));
        return readers > 0 ? "shared by " + readers + ": " + first + (readers > 1 ? ", ..." : "")
                : first + " (thread " + thread + ")";
    }
}
