package io.holdfast.lock.spi;

/** How a {@link LockBackend} is asked to grant a lock. */
public enum LockMode {
    /** One holder at a time. */
    EXCLUSIVE,
    /** Any number of holders at a time, none of them exclusive. */
    SHARED
}
