package io.holdfast.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a held lock, from {@link LockManager#inspect}.
 *
 * @param resource the resource name
 * @param holder a description of the holder (owner id and thread); for display only
 * @param fencingToken the token of the current grant, or 0 where the backend cannot tell
 * @param acquiredAt when the hold began (wall clock, for display)
 * @param remainingLease the time left on the lease, where the backend has leases
 */
public record LockInfo(
        String resource,
        String holder,
        long fencingToken,
        Instant acquiredAt,
        Optional<Duration> remainingLease) {

    /** Validates the components. */
    public LockInfo {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(acquiredAt, "acquiredAt");
        Objects.requireNonNull(remainingLease, "remainingLease");
    }
}
