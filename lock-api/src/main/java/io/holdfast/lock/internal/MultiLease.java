package io.holdfast.lock.internal;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LeaseLostException;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lease of {@link LockManager#acquireAll}: one exclusive lease per resource, taken in the
 * global order ({@link String#compareTo}) and released together in reverse order.
 */
public final class MultiLease implements Lease {

    private final List<Lease> leases;
    private final List<String> resources;
    private final Thread thread = Thread.currentThread();
    private volatile boolean released;

    private MultiLease(List<Lease> leases) {
        this.leases = List.copyOf(leases);
        List<String> names = new ArrayList<>(leases.size());
        leases.forEach(l -> names.add(l.resource()));
        this.resources = List.copyOf(names);
    }

    /**
     * Takes every resource of {@code names} in the global order within {@code wait}, or none.
     * One resource gives the manager's own lease.
     */
    public static Lease acquire(LockManager manager, Collection<String> names, Duration wait)
            throws InterruptedException {
        Objects.requireNonNull(names, "resources");
        Durations.requireWait(wait);
        TreeSet<String> ordered = new TreeSet<>();
        for (String name : names) {
            ordered.add(Names.require("resource", name));
        }
        if (ordered.isEmpty()) {
            throw new IllegalArgumentException("acquireAll needs at least one resource name");
        }
        long deadline = System.nanoTime() + Durations.toNanosSaturated(wait);
        List<Lease> taken = new ArrayList<>(ordered.size());
        boolean complete = false;
        try {
            for (String name : ordered) {
                Lease lease = Leases.takeBy(manager, name, deadline, false);
                if (lease == null) {
                    throw new LockTimeoutException(name, wait, "acquireAll of " + ordered
                            + " had taken " + taken.size() + " of them; released again");
                }
                taken.add(lease);
            }
            complete = true;
        } finally {
            if (!complete) {
                releaseAll(taken);
            }
        }
        return taken.size() == 1 ? taken.get(0) : new MultiLease(taken);
    }

    /** Releases in reverse order; true if every release released a held lease. */
    private static boolean releaseAll(List<Lease> leases) {
        boolean all = true;
        RuntimeException failure = null;
        for (int i = leases.size() - 1; i >= 0; i--) {
            try {
                all &= leases.get(i).release();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return all;
    }

    /** Not defined for several resources: use {@link #resources()}. */
    @Override
    public String resource() {
        throw new IllegalStateException("this lease covers " + resources
                + "; use resources() for its resource names");
    }

    @Override
    public List<String> resources() {
        return resources;
    }

    /** Not defined for several resources: use {@link #fencingToken(String)}. */
    @Override
    public long fencingToken() {
        throw new IllegalStateException("this lease covers " + resources + ", each with its own"
                + " fencing token; use fencingToken(String resource)");
    }

    @Override
    public long fencingToken(String resource) {
        int i = resources.indexOf(resource);
        if (i < 0) {
            throw new IllegalArgumentException("this lease covers " + resources + ", not '"
                    + resource + "'");
        }
        return leases.get(i).fencingToken();
    }

    @Override
    public boolean isHeld() {
        return !released && leases.stream().allMatch(Lease::isHeld);
    }

    @Override
    public void ensureHeld() {
        if (released) {
            throw new LeaseLostException("lease on locks " + resources + " was already released");
        }
        leases.forEach(Lease::ensureHeld);
    }

    @Override
    public boolean release() {
        Thread current = Thread.currentThread();
        if (current != thread) {
            throw new IllegalMonitorStateException("lease on locks " + resources
                    + " was acquired by thread '" + thread.getName() + "' and cannot be released"
                    + " by thread '" + current.getName() + "'; release it on the thread that"
                    + " acquired it");
        }
        if (released) {
            return false;
        }
        released = true;
        return releaseAll(leases);
    }

    @Override
    public void close() {
        release();
    }

    /** Runs {@code listener} once, when the first of the leases is lost. */
    @Override
    public void onLost(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        AtomicBoolean ran = new AtomicBoolean();
        for (Lease l : leases) {
            l.onLost(() -> {
                if (ran.compareAndSet(false, true)) {
                    listener.run();
                }
            });
        }
    }

    @Override
    public String toString() {
        return "Lease[" + resources + (isHeld() ? ", held" : released ? ", released" : ", lost")
                + "]";
    }
}
