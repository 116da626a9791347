package io.holdfast.lock.spi;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@value #SIZE} entries of a {@link LockCore} that became idle, kept mapped so that a
 * resource used again finds its entry (no allocation, no map insertion); an entry pushed out of
 * the ring is unmapped unless in use again. Memory stays bounded however many names are used.
 */
final class IdleEntries {

    /** How many idle entries are kept; a power of two. */
    static final int SIZE = 64;

    private final AtomicReferenceArray<ResourceEntry<?>> ring = new AtomicReferenceArray<>(SIZE);
    private final AtomicInteger cursor = new AtomicInteger();

    /** Puts a newly parked entry in the ring; returns the entry it pushed out, or null. */
    ResourceEntry<?> park(ResourceEntry<?> e) {
        return ring.getAndSet(cursor.getAndIncrement() & (SIZE - 1), e);
    }
}
