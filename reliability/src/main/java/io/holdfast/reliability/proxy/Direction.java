package io.holdfast.reliability.proxy;

/**
 * The fault state of one direction of traffic through a {@link FaultProxy} (requests or replies),
 * shared by every connection. Writers wait on it; every change wakes them.
 */
final class Direction {

    private final String name;
    private boolean held;
    private long latencyNanos;

    Direction(String name) {
        this.name = name;
    }

    synchronized void hold(boolean held) {
        this.held = held;
        notifyAll();
    }

    synchronized void latency(long nanos) {
        this.latencyNanos = nanos;
        notifyAll();
    }

    synchronized long latencyNanos() {
        return latencyNanos;
    }

    synchronized boolean isHeld() {
        return held;
    }

    /** Wakes writers so they notice closed connections. */
    synchronized void wakeAll() {
        notifyAll();
    }

    /**
     * Blocks until bytes read at {@code readNanos} may be written: the direction is not held and
     * the latency in force has passed since they were read.
     *
     * @return false if {@code open} turned false while waiting
     */
    synchronized boolean awaitDue(long readNanos, java.util.function.BooleanSupplier open)
            throws InterruptedException {
        while (open.getAsBoolean()) {
            if (!held) {
                long remaining = readNanos + latencyNanos - System.nanoTime();
                if (remaining <= 0) {
                    return true;
                }
                wait(Math.max(1, remaining / 1_000_000), 0);
            } else {
                wait(100);
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name;
    }
}
