package io.holdfast.lock.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One operator action kept in a backend's capped audit trail (a Redis stream, an audit file).
 *
 * @param at when it happened (the operator's clock)
 * @param action {@code release}, {@code flag-set} or {@code flag-clear}
 * @param name the lock or flag name
 * @param operator who did it: {@code user@host}
 * @param reason the reason the operator gave
 * @param holder who was evicted or whose flag was cleared (instance and owner id), or empty
 * @param token the evicted holder's fencing token, or 0
 * @param nextToken the fence after the action: every later grant's token is at least this, or 0
 */
public record AuditRecord(Instant at, String action, String name, String operator, String reason,
        String holder, long token, long nextToken) {

    /** Release of a held lock by an operator. */
    public static final String RELEASE = "release";
    /** A flag set by an operator. */
    public static final String FLAG_SET = "flag-set";
    /** A flag cleared by an operator. */
    public static final String FLAG_CLEAR = "flag-clear";

    /** Checks that no component is null. */
    public AuditRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(holder, "holder");
    }
}
