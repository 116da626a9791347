package io.holdfast.reliability.scenario;

import io.holdfast.reliability.history.Event;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Finding events in histories and measuring the time between them. */
final class Timing {

    private Timing() {
    }

    /** The first event at or after {@code fromNanos} matching {@code filter}. */
    static Optional<Event> first(List<Event> events, long fromNanos, Predicate<Event> filter) {
        return events.stream().filter(e -> e.nanos() >= fromNanos).filter(filter)
                .min(java.util.Comparator.comparingLong(Event::nanos));
    }

    /** Milliseconds from {@code fromNanos} to {@code event}. */
    static long millisSince(long fromNanos, Event event) {
        return (event.nanos() - fromNanos) / 1_000_000;
    }

    /** Polls {@code condition} every 10ms until it holds; false after {@code timeout}. */
    static boolean poll(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
