package io.holdfast.lock;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Named status flags with a time to live, such as {@code charge-running} or
 * {@code export-running}.
 *
 * <p>Every flag expires after its TTL, so a process that crashes never leaves a flag set forever.
 * Flag names follow the same rule as resource names (1 to 256 characters, no control characters).
 * Implementations are thread-safe.
 */
public interface StatusManager extends AutoCloseable {

    /**
     * Sets the flag, replacing any earlier value and owner, for {@code ttl}.
     *
     * @throws IllegalArgumentException if the name is invalid or the TTL is not positive
     * @throws LockUnavailableException if the backend cannot be reached
     */
    void set(String flag, Duration ttl);

    /**
     * Sets the flag only if it is not set: an atomic claim.
     *
     * @return true if this call set the flag
     * @throws IllegalArgumentException if the name is invalid or the TTL is not positive
     * @throws LockUnavailableException if the backend cannot be reached
     */
    boolean setIfAbsent(String flag, Duration ttl);

    /**
     * Clears the flag if this manager set it. A flag that expired and was then claimed by someone
     * else is left alone, so a late clear never undoes another owner's claim.
     *
     * @return true if this call cleared a flag this manager owned
     */
    boolean clear(String flag);

    /**
     * Clears the flag whoever set it: for operators and recovery, not for normal claims.
     *
     * @return true if a flag was set and is now cleared
     */
    boolean forceClear(String flag);

    /** True if the flag is set and has not expired. Backends may answer more cheaply than {@link #get}. */
    default boolean isSet(String flag) {
        return get(flag).isPresent();
    }

    /** The flag's owner and times, or empty when it is not set. */
    Optional<FlagInfo> get(String flag);

    /** The names of every flag that is set. */
    Set<String> list();

    /** The backend's short name: {@code local}, {@code file}, {@code redis}. */
    String backend();

    /** Releases the manager's resources; flags stay until they expire or are cleared. */
    @Override
    void close();
}
