package io.holdfast.lock.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One process waiting for a lock, in queue order. Threads of one process queue in memory first,
 * so a backend sees (and lists) one waiter per process and resource.
 *
 * @param ownerId the waiting manager's owner id
 * @param thread the waiting thread as the backend recorded it
 * @param waited how long it has waited (by the backend's clock), where the backend records it
 * @param instance the waiting instance, when it is registered
 */
public record QueueEntry(String ownerId, String thread, Optional<Duration> waited,
        Optional<InstanceInfo> instance) {

    /** Checks that no component is null. */
    public QueueEntry {
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(waited, "waited");
        Objects.requireNonNull(instance, "instance");
    }
}
