package io.holdfast.benchmarks.redis;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The worker JVM of one case: opens one contender, prints {@code READY}, waits for
 * {@code GO <warmupEnd> <measureEnd> <stopAt>} (absolute {@link System#nanoTime()} values from the
 * harness, valid across the JVMs of one host) on stdin, runs its threads until {@code stopAt} and
 * prints one {@code REPORT} line with what it measured inside {@code [warmupEnd, measureEnd)}. A
 * contender without what the scenario needs (S6: shared locks) prints {@code UNSUPPORTED <why>}
 * instead of {@code READY} and exits.
 *
 * <p>S5 (misses): JVM 0 takes resource 0 before {@code READY} and holds it until the harness closes
 * its stdin (after every worker reported, so no {@code tryAcquire} is still in flight);
 * every other JVM's threads call {@code tryAcquire} on it in a loop. A miss is counted as a window
 * grant, its latency as a cycle; a {@code tryAcquire} that succeeds is an error.
 *
 * <p>Arguments: contender label, scenario, Redis URI, JVM index, shared-cells file, lock directory.
 */
public final class Worker {

    static final String READY = "READY";
    static final String GO = "GO";
    static final String REPORT = "REPORT";
    static final String FAILED = "FAILED";
    static final String UNSUPPORTED = "UNSUPPORTED";

    private final Contender contender;
    private final Scenario scenario;
    private final SharedCells cells;
    private final int jvm;
    private final String[] names;
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();

    private Worker(Contender contender, Scenario scenario, SharedCells cells, int jvm) {
        this.contender = contender;
        this.scenario = scenario;
        this.cells = cells;
        this.jvm = jvm;
        this.names = new String[scenario.resources];
        for (int r = 0; r < names.length; r++) {
            names[r] = "bench-" + r;
        }
    }

    /** Entry point of a worker JVM; see the class comment for the arguments and the protocol. */
    public static void main(String[] args) throws Exception {
        ContenderKind kind = ContenderKind.byLabel(args[0]);
        Scenario scenario = Scenario.valueOf(args[1]);
        int jvm = Integer.parseInt(args[3]);
        SharedCells cells = SharedCells.open(Path.of(args[4]), scenario.resources);
        try (Contender contender = kind.open(args[2], Path.of(args[5]))) {
            String unsupported = warmUp(contender, scenario, "warm-" + jvm);
            if (unsupported != null) {
                System.out.println(UNSUPPORTED + " " + unsupported);
                System.out.flush();
                System.exit(0);
            }
            Worker worker = new Worker(contender, scenario, cells, jvm);
            Object held = worker.isHolder() ? contender.acquire(worker.names[0]) : null;
            System.out.println(READY);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String[] go = in.readLine().split(" ");
            if (!GO.equals(go[0])) {
                throw new IllegalStateException("expected GO but got " + String.join(" ", go));
            }
            String report = held != null ? worker.hold(held, Long.parseLong(go[3]))
                    : worker.run(Long.parseLong(go[1]), Long.parseLong(go[2]), Long.parseLong(go[3]));
            System.out.println(report);
            System.out.flush();
            if (held != null) {
                // keep holding until every other JVM has stopped trying: the harness closes stdin then
                while (in.readLine() != null) {
                    continue;
                }
            }
            // skip closing the client (Redisson's shutdown alone takes seconds): the harness flushes Redis
            // before the next case, and exiting drops every connection
            System.exit(0);
        } catch (Throwable e) {
            System.out.println(FAILED + " " + e);
            System.out.flush();
            e.printStackTrace();
            System.exit(2);
        }
    }

    /**
     * Loads classes and connects before the clock starts; returns why the contender cannot run the
     * scenario, or null.
     */
    private static String warmUp(Contender contender, Scenario scenario, String resource) throws Exception {
        for (int i = 0; i < 50; i++) {
            switch (scenario.shape) {
                case CYCLE -> contender.release(contender.acquire(resource));
                case MISS -> {
                    contender.release(contender.acquire(resource));
                    Object hit = contender.tryAcquire(resource);
                    if (hit != null) {
                        contender.release(hit);
                    }
                }
                case READ_MOSTLY -> {
                    try {
                        contender.release(contender.acquireReadWrite(resource, i % 10 != 0));
                    } catch (UnsupportedOperationException e) {
                        e.printStackTrace();
                        return e.getMessage();
                    }
                }
                default -> throw new IllegalStateException("unknown shape " + scenario.shape);
            }
        }
        return null;
    }

    /** S5's JVM 0: holds the resource through the window; {@link #main} keeps it until stdin closes. */
    private boolean isHolder() {
        return scenario.shape == Scenario.Shape.MISS && jvm == 0;
    }

    /** The holder's report at {@code stopAt}: one grant (for the exclusion check), no window figures. */
    private String hold(Object held, long stopAt) throws Exception {
        cells.increment(0);
        long token = contender.token(held);
        if (token >= 0) {
            cells.advanceToken(0, token);
        }
        sleepUntil(stopAt);
        return REPORT + " grants=1 window=0 tokens=" + (token >= 0 ? 1 : 0);
    }

    private String run(long warmupEnd, long measureEnd, long stopAt) throws InterruptedException {
        List<Loop> loops = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < scenario.threads; t++) {
            Loop loop = new Loop(jvm * 1000L + t, warmupEnd, measureEnd, stopAt);
            loops.add(loop);
            Thread thread = new Thread(loop, "bench-" + jvm + "-" + t);
            threads.add(thread);
            thread.start();
        }
        sleepUntil(warmupEnd);
        long cpuStart = processCpuNanos();
        sleepUntil(measureEnd);
        long cpuEnd = processCpuNanos();
        for (Thread thread : threads) {
            thread.join(120_000);
            if (thread.isAlive()) {
                firstError.compareAndSet(null, new IllegalStateException(thread.getName() + " still blocked 120s "
                        + "after the end of the case"));
            }
        }
        Histogram waits = new Histogram();
        Histogram cycles = new Histogram();
        Histogram handoffLatency = new Histogram();
        long grants = 0;
        long windowGrants = 0;
        long handoffs = 0;
        long errors = 0;
        long tokenChecks = 0;
        long tokenViolations = 0;
        StringBuilder perThread = new StringBuilder();
        for (Loop loop : loops) {
            waits.add(loop.waits);
            cycles.add(loop.cycles);
            handoffLatency.add(loop.handoffLatency);
            grants += loop.grants;
            windowGrants += loop.windowGrants;
            handoffs += loop.handoffs;
            errors += loop.errors;
            tokenChecks += loop.tokenChecks;
            tokenViolations += loop.tokenViolations;
            perThread.append(perThread.length() == 0 ? "" : "/").append(loop.windowGrants);
        }
        Throwable error = firstError.get();
        return REPORT + " grants=" + grants + " window=" + windowGrants + " handoffs=" + handoffs
                + " cpu=" + (cpuEnd - cpuStart) + " errors=" + errors + " tokens=" + tokenChecks
                + " tokenViolations=" + tokenViolations + " threads=" + perThread
                + " wait=" + waits.encode() + " cycle=" + cycles.encode() + " handoff=" + handoffLatency.encode()
                + note("diag", contender.diagnostics()) + (error == null ? "" : note("error", error.toString()));
    }

    /** One benchmark thread: acquire, touch the shared cells, release (or miss, S5), until {@code stopAt}. */
    private final class Loop implements Runnable {
        final long id;
        final long warmupEnd;
        final long measureEnd;
        final long stopAt;
        final Histogram waits = new Histogram();
        final Histogram cycles = new Histogram();
        final Histogram handoffLatency = new Histogram();
        long grants;
        long windowGrants;
        long handoffs;
        long errors;
        long tokenChecks;
        long tokenViolations;

        Loop(long id, long warmupEnd, long measureEnd, long stopAt) {
            this.id = id;
            this.warmupEnd = warmupEnd;
            this.measureEnd = measureEnd;
            this.stopAt = stopAt;
        }

        @Override
        public void run() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (System.nanoTime() < stopAt) {
                int r = names.length == 1 ? 0 : random.nextInt(names.length);
                try {
                    switch (scenario.shape) {
                        case CYCLE -> cycle(r);
                        case MISS -> miss(r);
                        case READ_MOSTLY -> readOrWrite(r, random.nextInt(100) < Scenario.SHARED_PERCENT);
                        default -> throw new IllegalStateException("unknown shape " + scenario.shape);
                    }
                } catch (Exception | Error e) {
                    errors++;
                    firstError.compareAndSet(null, e);
                    if (e instanceof InterruptedException) {
                        return;
                    }
                }
            }
        }

        private void miss(int r) throws Exception {
            long t0 = System.nanoTime();
            Object handle = contender.tryAcquire(names[r]);
            long t1 = System.nanoTime();
            if (handle != null) {
                contender.release(handle);
                throw new IllegalStateException("tryAcquire of " + names[r] + " succeeded while JVM 0 held it");
            }
            if (t0 >= warmupEnd && t1 < measureEnd) {
                windowGrants++;
                cycles.record(t1 - t0);
                waits.record(t1 - t0);
            }
        }

        /**
         * S6: an exclusive holder increments the counter and checks its token like S1-S4, and marks
         * itself inside; a shared holder checks that no exclusive holder is inside. {@code grants}
         * counts exclusive grants (what the counter must equal), the window all grants.
         */
        private void readOrWrite(int r, boolean shared) throws Exception {
            long t0 = System.nanoTime();
            Object handle = contender.acquireReadWrite(names[r], shared);
            long t1 = System.nanoTime();
            boolean overlap;
            if (shared) {
                overlap = cells.writerInside(r);
            } else {
                cells.writer(r, true);
                cells.increment(r);
                grants++;
                checkToken(r, handle);
                cells.writer(r, false);
                overlap = false;
            }
            long t2 = System.nanoTime();
            contender.release(handle);
            long t3 = System.nanoTime();
            if (t0 >= warmupEnd && t1 < measureEnd) {
                windowGrants++;
                waits.record(t1 - t0);
                cycles.record(t1 - t0 + t3 - t2);
            }
            if (overlap) {
                throw new IllegalStateException("shared grant of " + names[r] + " while an exclusive holder was inside");
            }
        }

        /** Under the exclusive lock: the grant's fencing token must exceed the previous grant's. */
        private void checkToken(int r, Object handle) {
            long token = contender.token(handle);
            if (token >= 0) {
                tokenChecks++;
                if (!cells.advanceToken(r, token)) {
                    tokenViolations++;
                }
            }
        }

        private void cycle(int r) throws Exception {
            long t0 = System.nanoTime();
            Object handle = contender.acquire(names[r]);
            long t1 = System.nanoTime();
            long previous = cells.holder(r);
            long previousRelease = cells.releasedAt(r);
            cells.increment(r);
            grants++;
            checkToken(r, handle);
            boolean measured = t0 >= warmupEnd && t1 < measureEnd;
            long t2 = System.nanoTime();
            cells.releasing(r, id, t2);
            contender.release(handle);
            long t3 = System.nanoTime();
            if (measured) {
                windowGrants++;
                waits.record(t1 - t0);
                cycles.record(t1 - t0 + t3 - t2);
                if (previous != SharedCells.NOBODY && previous != id) {
                    handoffs++;
                    handoffLatency.record(t1 - previousRelease);
                }
            }
        }
    }

    /** A free-text report field: spaces become underscores (the harness turns them back). */
    private static String note(String key, String text) {
        return text.isEmpty() ? "" : " " + key + "=" + text.replace(' ', '_');
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }
}
