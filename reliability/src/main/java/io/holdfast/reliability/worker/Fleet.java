package io.holdfast.reliability.worker;

import io.holdfast.reliability.fence.FencedRegister;
import io.holdfast.reliability.fence.FencedRegisterServer;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.history.Event;
import io.holdfast.reliability.history.HistoryChecker;
import io.holdfast.reliability.history.HistoryRecorder;
import io.holdfast.reliability.process.WorkerJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Several {@link LockWorker} JVMs writing to one fenced register served from this JVM, plus the
 * history of this JVM's own recorder (for events the test records, such as faults). Close kills
 * whatever still runs.
 */
public final class Fleet implements AutoCloseable {

    private final Path dir;
    private final FencedRegisterServer fence;
    private final List<WorkerJvm> workers = new ArrayList<>();
    private final List<Path> histories = new ArrayList<>();

    private Fleet(Path dir, FencedRegisterServer fence) {
        this.dir = dir;
        this.fence = fence;
    }

    /**
     * Starts {@code count} workers named {@code w0..w<count-1>} with {@code options} (history files,
     * names and the register's port are filled in) and waits until each printed READY.
     *
     * @throws IllegalStateException if a worker does not get ready within 60s (its output is in the message)
     */
    public static Fleet start(Path dir, int count, WorkerOptions options) throws InterruptedException {
        Fleet fleet = new Fleet(dir, FencedRegisterServer.start(new FencedRegister()));
        try {
            for (int i = 0; i < count; i++) {
                fleet.add("w" + i, options);
            }
            for (WorkerJvm worker : fleet.workers) {
                fleet.awaitReady(worker, Duration.ofSeconds(60));
            }
            return fleet;
        } catch (RuntimeException | InterruptedException e) {
            fleet.close();
            throw e;
        }
    }

    private void add(String name, WorkerOptions options) {
        Path history = dir.resolve(name + ".history");
        histories.add(history);
        WorkerOptions full = options.with("name", name).with("history", history)
                .with("fence_port", fence.port());
        workers.add(WorkerJvm.start(name, LockWorker.class, dir.resolve(name + ".out"), full.toArgs()));
    }

    private void awaitReady(WorkerJvm worker, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output(worker).contains("READY")) {
            if (!worker.isAlive() || System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(worker + " did not get ready; output:\n" + worker.outputTail());
            }
            Thread.sleep(50);
        }
    }

    private static String output(WorkerJvm worker) {
        try {
            return Files.exists(worker.output()) ? Files.readString(worker.output()) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The workers, in start order. */
    public List<WorkerJvm> workers() {
        return List.copyOf(workers);
    }

    /** The fenced register every worker writes to. */
    public FencedRegister register() {
        return fence.register();
    }

    /**
     * Waits for every live worker to finish by itself.
     *
     * @throws IllegalStateException if one outlives {@code timeout} or exits with an error
     */
    public void awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (WorkerJvm worker : workers) {
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            if (worker.isAlive() || output(worker).contains("DONE")) {
                int code = worker.awaitExit(left);
                if (code != 0 && output(worker).contains("READY") && !output(worker).contains("DONE")) {
                    // killed on purpose by the scenario: its history ends where it died
                    continue;
                }
                if (code != 0) {
                    throw new IllegalStateException(worker + " exited with " + code + ":\n" + worker.outputTail());
                }
            }
        }
    }

    /**
     * Waits until some worker holds a lock and has made its first write under it (its last event is
     * an accepted write), and returns that grant; {@link Event#process()} names the worker.
     *
     * @throws IllegalStateException if that does not happen within {@code timeout}
     */
    public Event awaitHoldingAfterWrite(Duration timeout) throws InterruptedException {
        return awaitHolding(since -> since.get(since.size() - 1).op() == Event.Op.WRITE
                && since.get(since.size() - 1).phase() == Event.Phase.OK, timeout);
    }

    /**
     * Waits until some worker's last event is of a thread holding a lock whose events since that
     * grant match {@code since} (a non-empty list, in order), and returns the grant;
     * {@link Event#process()} names the worker.
     *
     * @throws IllegalStateException if that does not happen within {@code timeout}
     */
    public Event awaitHolding(java.util.function.Predicate<List<Event>> since, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (Path history : histories) {
                List<Event> events = HistoryRecorder.load(List.of(history));
                String thread = events.isEmpty() ? null : events.get(events.size() - 1).thread();
                List<Event> after = new ArrayList<>();
                for (int i = events.size() - 1; i >= 0; i--) {
                    Event e = events.get(i);
                    if (!e.thread().equals(thread)) {
                        continue;
                    }
                    if (e.op() == Event.Op.ACQUIRE && e.phase() == Event.Phase.OK) {
                        java.util.Collections.reverse(after);
                        if (!after.isEmpty() && since.test(after)) {
                            return e;
                        }
                        break;
                    }
                    after.add(e);
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no worker held a lock within " + timeout);
    }

    /** The worker named {@code name}. */
    public WorkerJvm worker(String name) {
        return workers.stream().filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no worker " + name));
    }

    /** Every worker's events and {@code extra} (e.g. the test's own), merged in time order. */
    public List<Event> events(List<Event> extra) {
        List<Event> all = new ArrayList<>(HistoryRecorder.load(histories));
        all.addAll(extra);
        all.sort(java.util.Comparator.comparingLong(Event::nanos));
        return all;
    }

    /** Checks the merged history and the register. */
    public CheckReport check(List<Event> extra) {
        return HistoryChecker.check(events(extra), register().writes());
    }

    @Override
    public void close() {
        workers.forEach(WorkerJvm::close);
        fence.close();
    }
}
