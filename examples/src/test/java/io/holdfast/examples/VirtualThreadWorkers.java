package io.holdfast.examples;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs in a child JVM of Java 21 or later: many virtual threads contend for one lock of the backend
 * the environment names. Compiled for Java 17, so virtual threads are reached by reflection.
 * Prints {@code OK <grants>} when the unsynchronised counter is exact and every thread's tokens
 * strictly increase.
 */
public final class VirtualThreadWorkers {

    private static int counter;

    private VirtualThreadWorkers() {}

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        ExecutorService pool = (ExecutorService) Executors.class
                .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        try (LockService service = LockService.fromEnvironment()) {
            LockManager locks = service.locks();
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    boolean virtual = (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
                    long last = Long.MIN_VALUE;
                    for (int i = 0; i < rounds; i++) {
                        try (Lease lease = locks.acquire("vthreads", Duration.ofSeconds(60))) {
                            if (lease.fencingToken() <= last) {
                                return false;
                            }
                            last = lease.fencingToken();
                            int seen = counter;
                            Thread.yield();
                            counter = seen + 1;
                        }
                    }
                    return virtual;
                }));
            }
            for (Future<Boolean> f : results) {
                if (!f.get()) {
                    System.out.println("FAILED: not a virtual thread, or tokens did not increase");
                    System.exit(1);
                }
            }
        } finally {
            pool.shutdown();
        }
        boolean exact = counter == threads * rounds;
        System.out.println((exact ? "OK " : "FAILED counter ") + counter);
        System.exit(exact ? 0 : 1);
    }
}
