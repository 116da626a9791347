package io.holdfast.lock;

/**
 * The Micrometer meter names and tag keys every holdfast backend uses. Resource names are never
 * tags (they would make cardinality unbounded).
 */
public final class LockMetricNames {

    /** Timer: time to acquire, tagged {@link #TAG_RESULT} = acquired, timeout or error. */
    public static final String ACQUIRE = "holdfast.lock.acquire";
    /** Timer: how long holds last, from grant to final release. */
    public static final String HOLD = "holdfast.lock.hold";
    /** Gauge: holds currently active in this manager. */
    public static final String ACTIVE = "holdfast.lock.active";
    /** Counter: leases lost (expired or not renewable) while their holder still held them. */
    public static final String LOST = "holdfast.lock.lost";
    /** Counter: lease renewals, tagged {@link #TAG_RESULT} = renewed or failed. */
    public static final String RENEWALS = "holdfast.lock.renewals";
    /** Counter: release notifications received by waiters. */
    public static final String NOTIFICATIONS = "holdfast.lock.notifications";
    /** Counter: backend commands retried after a transient error. */
    public static final String RETRIES = "holdfast.lock.retries";
    /**
     * Counter: releases sent without waiting whose outcome was an error (the lock stays taken
     * until its lease ends).
     */
    public static final String RELEASE_FAILURES = "holdfast.lock.release.failures";
    /** Gauge (always 1): the backend an instance runs, tagged {@link #TAG_BACKEND} and mode. */
    public static final String BACKEND_INFO = "holdfast.backend.info";
    /**
     * Counter: {@link ExclusiveTasks} runs, tagged {@link #TAG_TASK}, {@link #TAG_BACKEND} and
     * {@link #TAG_RESULT} = {@link #RESULT_RAN}, {@link #RESULT_SKIPPED_HELD}, {@link #RESULT_LOST},
     * {@link #RESULT_TIMED_OUT}, {@link #RESULT_FAILED} or {@link #RESULT_ERROR} (the backend
     * failed before the task could run).
     */
    public static final String TASK_RUNS = "holdfast.task.runs";

    /** Tag key: the backend's short name ({@code local}, {@code file}, {@code redis}). */
    public static final String TAG_BACKEND = "backend";
    /** Tag key: the outcome of an operation. */
    public static final String TAG_RESULT = "result";
    /** Tag key: the {@code USE_NEW_LOCKS} mode of a {@code LockService}. */
    public static final String TAG_MODE = "mode";
    /** Tag key: an exclusive task's name (task names are few, unlike resource names). */
    public static final String TAG_TASK = "task";

    /** Result tag value: the lock was granted. */
    public static final String RESULT_ACQUIRED = "acquired";
    /** Result tag value: the wait ended without a grant. */
    public static final String RESULT_TIMEOUT = "timeout";
    /** Result tag value: the backend failed. */
    public static final String RESULT_ERROR = "error";
    /** Result tag value: a renewal succeeded. */
    public static final String RESULT_RENEWED = "renewed";
    /** Result tag value: a renewal failed; an exclusive task threw. */
    public static final String RESULT_FAILED = "failed";
    /** Result tag value: an exclusive task ran and returned normally. */
    public static final String RESULT_RAN = "ran";
    /** Result tag value: an exclusive task was skipped because another run holds it. */
    public static final String RESULT_SKIPPED_HELD = "skipped_held";
    /** Result tag value: an exclusive task lost its lease while running. */
    public static final String RESULT_LOST = "lost";
    /** Result tag value: an exclusive task ran past its maximum duration. */
    public static final String RESULT_TIMED_OUT = "timed_out";

    private LockMetricNames() {}
}
