package io.holdfast.reliability.scenario;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.reliability.fence.FencedRegister;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.history.HistoryChecker;
import io.holdfast.reliability.history.HistoryRecorder;
import io.holdfast.reliability.worker.Contender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * One in-process scenario: a fenced register, a history, Redis lock managers (each its own owner)
 * and contender threads. Each contender thread uses one manager, so the checker's owner
 * ({@code process/thread}) identifies a hold. Close stops the contenders and the managers.
 */
final class Scenario implements AutoCloseable {

    static final String PROCESS = "test";

    final String name;
    final HistoryRecorder history = HistoryRecorder.inMemory(PROCESS);
    final FencedRegister register = new FencedRegister();
    private final List<LockManager> managers = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger threads = new AtomicInteger();
    private final AtomicLong grants = new AtomicLong();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r);
        thread.setDaemon(true);
        return thread;
    });
    private final List<Future<?>> loops = new ArrayList<>();

    Scenario(String name) {
        this.name = name;
    }

    /** A manager on {@code uri} with {@code tweak} applied to default settings; closed with the scenario. */
    RedisLockManager manager(String uri, UnaryOperator<RedisLockSettings.Builder> tweak) {
        RedisLockManager manager = RedisLockManager.create(tweak.apply(RedisLockSettings.builder().uri(uri)).build());
        adopt(manager);
        return manager;
    }

    /** Closes {@code manager} with the scenario. */
    void adopt(LockManager manager) {
        synchronized (managers) {
            managers.add(manager);
        }
    }

    /** A contender for the calling thread (its name becomes the owner's thread). */
    Contender contender(LockManager manager) {
        return new Contender(manager, history, register, PROCESS + "/" + Thread.currentThread().getName());
    }

    /** Starts a thread looping rounds on {@code manager} until {@link #stopContenders()}. */
    void startContender(LockManager manager, List<String> resources, Duration wait, Duration hold) {
        loops.add(pool.submit(() -> {
            Thread.currentThread().setName(name + "-c" + threads.incrementAndGet());
            contender(manager).loop(resources, wait, hold, running::get, grants);
            return null;
        }));
    }

    /** Grants so far by the looping contenders. */
    long grants() {
        return grants.get();
    }

    /** Stops the looping contenders and waits for them (each finishes its round). */
    void stopContenders(Duration timeout) throws Exception {
        running.set(false);
        for (Future<?> loop : loops) {
            loop.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Checks the history and the register. */
    CheckReport check() {
        return HistoryChecker.check(history.events(), register.writes());
    }

    /** Checks, prints the grep-able line and returns the report. */
    CheckReport report(String extra) {
        CheckReport report = check();
        System.out.println(report.line(name, extra));
        if (!report.overlaps().isEmpty() || !report.fenceSafe()) {
            System.out.println("  " + report.details());
        }
        return report;
    }

    @Override
    public void close() {
        running.set(false);
        pool.shutdownNow();
        synchronized (managers) {
            for (LockManager manager : managers) {
                try {
                    manager.close();
                } catch (RuntimeException e) {
                    // closing after faults may fail; the scenario is over
                }
            }
        }
    }
}
