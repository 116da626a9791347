package io.holdfast.lock.testkit.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs tasks on their own threads, started together, and fails on the first error or hang. */
final class Race {

    /** One racer; {@code index} is 0..threads-1. */
    @FunctionalInterface
    interface Task<T> {
        T run(int index) throws Exception;
    }

    private Race() {}

    /**
     * Runs {@code threads} copies of {@code task} released at the same moment and returns their
     * results in index order.
     *
     * @throws AssertionError if a task threw or they did not all finish within {@code timeoutSeconds}
     */
    static <T> List<T> run(int threads, long timeoutSeconds, Task<T> task) {
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "racer");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    Thread.currentThread().setName("racer-" + index);
                    start.await(timeoutSeconds, TimeUnit.SECONDS);
                    return task.run(index);
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    results.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    throw new AssertionError(threads + " racers did not finish within "
                            + timeoutSeconds + "s", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("a racer failed: " + e.getCause(), e.getCause());
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for racers", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
