package io.holdfast.lock.spi;

import io.holdfast.lock.FlagInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What an operator's tool (the {@code holdfast} CLI) needs from one backend's stored state: the
 * held locks with their holders, tokens, leases and queues, the running instances, the flags, a
 * forced release and the audit trail of operator actions. It is the only place outside a backend
 * that knows its storage format is read, so the tool never decodes keys or files itself.
 * Obtained from {@link LockBackendProvider#createAdmin}; not for application code. Thread-safe;
 * close it to release its connections.
 */
public interface LockAdmin extends AutoCloseable {

    /** The backend's short name: {@code redis}, {@code file}. */
    String backend();

    /** Where the state lives, without passwords: a masked URL and namespace, or a directory. */
    String location();

    /** Every effective setting (defaults included) by name, without passwords, in display order. */
    Map<String, String> settings();

    /**
     * Checks the connection and permissions the way a service's start-up does, and reports
     * what the operator should know (round-trip time, server version, role, persistence...).
     *
     * @throws io.holdfast.lock.LockUnavailableException if the backend cannot be used
     */
    List<Finding> probe();

    /**
     * Every held lock whose name {@code names} accepts, sorted by name, without queue entries
     * (their count and the oldest wait are filled). Reads incrementally; never blocks the backend.
     */
    List<LockState> locks(Predicate<String> names);

    /** The lock {@code name} with its queue entries, or empty when it is free. */
    Optional<LockState> inspect(String name);

    /** The live instances the backend knows of, sorted by host and pid. */
    List<InstanceInfo> instances();

    /** Every set flag, sorted by name. */
    List<FlagInfo> flags();

    /** The flag {@code name}, or empty when it is not set. */
    Optional<FlagInfo> flag(String name);

    /** Sets (or replaces) the flag for {@code ttl}, owned by the operator, and audits it. */
    void setFlag(String name, Duration ttl, Operator operator, String reason);

    /**
     * Clears the flag if the operator set it, or whoever set it when {@code force} is true;
     * audits a clear.
     */
    FlagClear clearFlag(String name, Operator operator, boolean force, String reason);

    /**
     * Evicts the holder of {@code name} if it is still the one described by {@code seen} (so an
     * operator never evicts a holder they did not see), advances the fence past every token the
     * evicted holder may use, hands the lock to the next live waiter where the backend queues,
     * and audits it. The evicted holder reports the lease lost at its next renewal.
     */
    Eviction forceRelease(LockState seen, Operator operator, String reason);

    /** The latest audit records, newest last, at most {@code limit}. */
    List<AuditRecord> audit(int limit);

    /** Releases the connections. */
    @Override
    void close();

    /** The first 8 characters of an owner id and an ellipsis, for display. */
    static String shortId(String ownerId) {
        return ownerId.length() <= 12 ? ownerId : ownerId.substring(0, 8) + "…";
    }

    /**
     * The person running the tool.
     *
     * @param user the operator's user name
     * @param host the host the tool runs on
     */
    record Operator(String user, String host) {

        /** Checks the components. */
        public Operator {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(host, "host");
        }

        /** The user of this process ({@code user.name}) on this host. */
        public static Operator current() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown-host";
            }
            return new Operator(System.getProperty("user.name", "unknown"), host);
        }

        /**
         * The owner id of the flags this operator sets: {@code operator:user@host}, with every
         * character other than letters, digits and {@code . _ @ -} replaced by {@code _}. It never
         * equals a manager's owner id (those are 32 hex digits).
         */
        public String ownerId() {
            return "operator:" + (user + "@" + host).replaceAll("[^A-Za-z0-9._@-]", "_");
        }

        @Override
        public String toString() {
            return user + "@" + host;
        }
    }

    /**
     * One fact found by {@link #probe}.
     *
     * @param name what was checked
     * @param value what was found
     * @param warning what the operator should do about it, if anything
     */
    record Finding(String name, String value, Optional<String> warning) {

        /** Checks the components. */
        public Finding {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(warning, "warning");
        }

        /** A finding that needs no action. */
        public static Finding ok(String name, String value) {
            return new Finding(name, value, Optional.empty());
        }
    }

    /** What {@link #clearFlag} did. */
    enum FlagClear {
        /** The flag was set and is now cleared. */
        CLEARED,
        /** The flag was not set. */
        NOT_SET,
        /** Refused: another owner set the flag and {@code force} was false. */
        OTHER_OWNER
    }

    /**
     * What {@link #forceRelease} did.
     *
     * @param outcome the result
     * @param evicted the evicted holder as displayed to the operator, or empty
     * @param token the evicted holder's grant token, or 0
     * @param nextToken the fence after the release: every later grant's token is greater, or 0
     * @param newHolder the waiter the lock was handed to, or empty
     * @param detail what the operator should know or do (for {@link Outcome#IMPOSSIBLE}: how to
     *     free the lock instead)
     * @param auditFailure why the audit record could not be written, if it could not
     */
    record Eviction(Outcome outcome, String evicted, long token, long nextToken, String newHolder,
            String detail, Optional<String> auditFailure) {

        /** Checks the components. */
        public Eviction {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(evicted, "evicted");
            Objects.requireNonNull(newHolder, "newHolder");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(auditFailure, "auditFailure");
        }

        /** A release that did nothing, with the reason. */
        public static Eviction refused(Outcome outcome, String detail) {
            return new Eviction(outcome, "", 0, 0, "", detail, Optional.empty());
        }

        /** The possible results. */
        public enum Outcome {
            /** Evicted; nobody waited, the lock is free. */
            RELEASED,
            /** Evicted and handed to the oldest live waiter. */
            HANDED_TO_WAITER,
            /** The lock was not held (any more). */
            NOT_HELD,
            /** Another holder took the lock since it was inspected: nothing was done. */
            HOLDER_CHANGED,
            /** The backend cannot break this lock from outside its holder's process. */
            IMPOSSIBLE
        }
    }
}
