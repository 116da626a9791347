package io.holdfast.lock;

import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot of a set status flag, from {@link StatusManager#get}.
 *
 * @param name the flag name
 * @param owner who set it (the setting manager's owner description)
 * @param setAt when it was set (wall clock)
 * @param expiresAt when it expires unless set again (wall clock)
 */
public record FlagInfo(String name, String owner, Instant setAt, Instant expiresAt) {

    /** Validates the components. */
    public FlagInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(setAt, "setAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
