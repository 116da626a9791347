package io.holdfast.lock.local.internal;

import java.time.Instant;

/**
 * Whether a process recorded in a file (by pid and start time) still runs. The start time tells a
 * reused pid apart; two readings of one process's start time may differ by a clock step, so they
 * match within two seconds. Processes in another PID namespace (another container sharing the
 * directory) cannot be seen and count as not running.
 */
public final class Processes {

    /** This process's id. */
    public static final long PID = ProcessHandle.current().pid();
    /** This process's start time in epoch milliseconds, or -1 if the platform does not say. */
    public static final long START_MILLIS = ProcessHandle.current().info().startInstant()
            .map(Instant::toEpochMilli).orElse(-1L);

    private static final long START_TOLERANCE_MILLIS = 2_000;

    private Processes() {}

    /** True if {@code pid}, started at {@code startMillis}, is this process. */
    public static boolean isSelf(long pid, long startMillis) {
        return pid == PID && sameStart(startMillis, START_MILLIS);
    }

    /**
     * True if process {@code pid}, started at {@code startMillis}, still runs; false when its
     * start time is unknown ({@code startMillis < 0}) or cannot be read.
     */
    public static boolean running(long pid, long startMillis) {
        if (startMillis < 0) {
            return false;
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .flatMap(p -> p.info().startInstant())
                .map(at -> sameStart(startMillis, at.toEpochMilli()))
                .orElse(false);
    }

    private static boolean sameStart(long a, long b) {
        return a >= 0 && b >= 0 && Math.abs(a - b) <= START_TOLERANCE_MILLIS;
    }
}
