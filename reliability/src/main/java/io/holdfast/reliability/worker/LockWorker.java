package io.holdfast.reliability.worker;

import io.holdfast.lock.LockManager;
import io.holdfast.reliability.fence.FencedRegisterClient;
import io.holdfast.reliability.history.HistoryRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker JVM of the reliability suite. Each of {@code threads} threads loops until {@code grants}
 * grants in total or {@code duration_ms} have passed: acquire one of {@code resources} (waiting up
 * to {@code wait_ms}), write to the fenced register with the token, stay {@code hold_ms}, write
 * again (a paused holder's late write), release; the first {@code reader_threads} threads (0 by
 * default) read instead: acquire shared, fenced read, stay {@code hold_ms}, read again, release.
 * Every step is recorded in the history file.
 * Prints {@code READY} once the manager is up and {@code DONE grants=<n>} at the end.
 *
 * <p>Arguments ({@code key=value}): {@code name}, {@code history}, {@code fence_port},
 * {@code resources} (comma-separated), {@code threads}, {@code grants}, {@code duration_ms},
 * {@code wait_ms}, {@code hold_ms}, {@code reader_threads}, and the manager options of {@link Managers}.
 */
public final class LockWorker {

    private final String name;
    private final WorkerOptions options;
    private final HistoryRecorder history;
    private final LockManager manager;
    private final AtomicLong grants = new AtomicLong();
    private final long grantLimit;
    private final long deadline;

    private LockWorker(WorkerOptions options) {
        this.options = options;
        this.name = options.require("name");
        this.history = HistoryRecorder.toFile(name, Path.of(options.require("history")));
        this.manager = Managers.create(options);
        this.grantLimit = options.number("grants", Long.MAX_VALUE);
        this.deadline = System.nanoTime() + options.millis("duration_ms", 60_000).toNanos();
    }

    /** Runs a worker; exits 0 when done, 1 on a harness error. */
    public static void main(String[] args) throws InterruptedException {
        LockWorker worker = new LockWorker(WorkerOptions.parse(args));
        System.out.println("READY");
        System.out.flush();
        long done = worker.run();
        System.out.println("DONE grants=" + done);
        System.out.flush();
        System.exit(0);
    }

    private long run() throws InterruptedException {
        int threads = (int) options.number("threads", 4);
        List<Thread> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            boolean reader = i < options.number("reader_threads", 0);
            Thread thread = new Thread(() -> loop(reader), name + (reader ? "-r" : "-t") + i);
            running.add(thread);
            thread.start();
        }
        for (Thread thread : running) {
            thread.join();
        }
        manager.close();
        history.close();
        return grants.get();
    }

    private void loop(boolean reader) {
        List<String> resources = List.of(options.get("resources", "r").split(","));
        Duration wait = options.millis("wait_ms", 5_000);
        Duration hold = options.millis("hold_ms", 0);
        String writer = name + "/" + Thread.currentThread().getName();
        try (FencedRegisterClient fence = FencedRegisterClient.connect((int) options.number("fence_port", 0))) {
            Contender contender = new Contender(manager, history, fence, writer);
            contender.loop(resources, wait, hold,
                    () -> System.nanoTime() - deadline < 0 && grants.get() < grantLimit, grants, reader);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
