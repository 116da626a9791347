package io.holdfast.lock.redis.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * How waiters of one manager woke up and what got them the lock: a grant message or the queue
 * refresh timer. A grant after a timer wake-up while pub/sub is on means a message was lost
 * (or the holder's lease ran out); in normal operation it stays near zero. Thread-safe.
 */
public final class WaitStats {

    /** What ended a waiter's last pause. */
    public enum Wake {
        /** No pause: the first attempt, or the re-check right after subscribing. */
        NONE,
        /** A grant message. */
        NOTIFIED,
        /** The fallback timer (or the poll interval). */
        TIMER
    }

    private final LongAdder notifiedWakeups = new LongAdder();
    private final LongAdder timerWakeups = new LongAdder();
    private final LongAdder grantsAfterNotification = new LongAdder();
    private final LongAdder grantsAfterTimer = new LongAdder();

    void woke(Wake wake) {
        if (wake == Wake.NOTIFIED) {
            notifiedWakeups.increment();
        } else if (wake == Wake.TIMER) {
            timerWakeups.increment();
        }
    }

    void granted(Wake wake) {
        if (wake == Wake.NOTIFIED) {
            grantsAfterNotification.increment();
        } else if (wake == Wake.TIMER) {
            grantsAfterTimer.increment();
        }
    }

    /** Pauses ended by a grant message. */
    public long notifiedWakeups() {
        return notifiedWakeups.sum();
    }

    /** Pauses ended by the fallback timer or poll interval. */
    public long timerWakeups() {
        return timerWakeups.sum();
    }

    /** Grants that came by a grant message. */
    public long grantsAfterNotification() {
        return grantsAfterNotification.sum();
    }

    /** Grants that followed a timer wake-up: the fallback rescued the waiter. */
    public long grantsAfterTimer() {
        return grantsAfterTimer.sum();
    }

    @Override
    public String toString() {
        return "WaitStats[notified wake-ups " + notifiedWakeups() + ", timer wake-ups "
                + timerWakeups() + ", grants after notification " + grantsAfterNotification()
                + ", grants after timer " + grantsAfterTimer() + "]";
    }
}
