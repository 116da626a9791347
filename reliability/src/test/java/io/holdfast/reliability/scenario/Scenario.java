package io.holdfast.reliability.scenario;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.RedisStatusManager;
import io.holdfast.reliability.fence.FencedRegister;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.history.Event;
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
    private final List<AutoCloseable> managers = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger threads = new AtomicInteger();
    private final AtomicLong grants = new AtomicLong();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r);
        thread.setDaemon(true);
        return thread;
    });
    private final List<Future<?>> loops = new ArrayList<>();
    private final List<String> flagWritten = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final Duration FLAG_TTL = Duration.ofSeconds(60);

    Scenario(String name) {
        this.name = name;
    }

    /** A manager on {@code uri} with {@code tweak} applied to default settings; closed with the scenario. */
    RedisLockManager manager(String uri, UnaryOperator<RedisLockSettings.Builder> tweak) {
        RedisLockManager manager = RedisLockManager.create(tweak.apply(RedisLockSettings.builder().uri(uri)).build());
        adopt(manager);
        return manager;
    }

    /** A status manager on {@code uri} with {@code tweak} applied; closed with the scenario. */
    RedisStatusManager statusManager(String uri, UnaryOperator<RedisLockSettings.Builder> tweak) {
        RedisStatusManager manager = RedisStatusManager.create(tweak.apply(RedisLockSettings.builder().uri(uri)).build());
        adopt(manager);
        return manager;
    }

    /** Closes {@code manager} with the scenario. */
    void adopt(AutoCloseable manager) {
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

    /**
     * Starts a thread that sets flags {@code <prefix>-1, -2, ...} (TTL 60s) with {@code writer} and
     * reads each back with {@code reader}, until {@link #stopContenders}; every step recorded.
     */
    void startFlagWriter(StatusManager writer, StatusManager reader, String prefix) {
        loops.add(pool.submit(() -> {
            Thread.currentThread().setName(name + "-flags");
            for (int i = 1; running.get(); i++) {
                String flag = prefix + "-" + i;
                flagWritten.add(flag);
                history.record(Event.Op.FLAG_SET, Event.Phase.INVOKE, flag, 0, null);
                try {
                    writer.set(flag, FLAG_TTL);
                    history.record(Event.Op.FLAG_SET, Event.Phase.OK, flag, FLAG_TTL.toMillis(), null);
                } catch (RuntimeException e) {
                    history.record(Event.Op.FLAG_SET, Event.Phase.FAIL, flag, FLAG_TTL.toMillis(), e.toString());
                    Thread.sleep(50);
                }
                readFlag(reader, flag);
                Thread.sleep(20);
            }
            return null;
        }));
    }

    /** Reads back every flag the flag writer set (after the faults), recording what is seen. */
    void rereadFlags(StatusManager reader) {
        for (String flag : flagWritten) {
            readFlag(reader, flag);
        }
    }

    private void readFlag(StatusManager reader, String flag) {
        history.record(Event.Op.FLAG_READ, Event.Phase.INVOKE, flag, 0, null);
        try {
            history.record(Event.Op.FLAG_READ, Event.Phase.OK, flag, reader.isSet(flag) ? 1 : 0, null);
        } catch (RuntimeException e) {
            history.record(Event.Op.FLAG_READ, Event.Phase.FAIL, flag, 0, e.toString());
        }
    }

    /** Runs {@code body} on its own thread of the scenario's pool (never the shared common pool). */
    <T> java.util.concurrent.CompletableFuture<T> async(String threadName, java.util.concurrent.Callable<T> body) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            Thread.currentThread().setName(threadName);
            try {
                return body.call();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, pool);
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
        if (!report.overlaps().isEmpty() || !report.fenceSafe() || !report.flagsLost().isEmpty()) {
            System.out.println("  " + report.details());
        }
        return report;
    }

    @Override
    public void close() {
        running.set(false);
        pool.shutdownNow();
        synchronized (managers) {
            for (AutoCloseable manager : managers) {
                try {
                    manager.close();
                } catch (Exception e) {
                    // closing after faults may fail; the scenario is over
                }
            }
        }
    }
}
