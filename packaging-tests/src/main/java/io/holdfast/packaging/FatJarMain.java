package io.holdfast.packaging;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockService;
import java.time.Duration;

/**
 * What an application in a fat jar does at start-up: opens {@link LockService#fromEnvironment()},
 * takes one lock and claims one flag, and prints what it got ({@code BACKEND}, {@code TOKEN},
 * {@code FLAG} lines). Exits non-zero with the exception when start-up fails.
 */
public final class FatJarMain {

    private FatJarMain() {}

    /** Runs once; arguments are ignored. */
    public static void main(String[] args) throws InterruptedException {
        try (LockService service = LockService.fromEnvironment()) {
            System.out.println("BACKEND " + service.backend());
            try (Lease lease = service.locks().acquire("fat-jar", Duration.ofSeconds(10))) {
                System.out.println("TOKEN " + lease.fencingToken());
            }
            boolean claimed = service.status().setIfAbsent("fat-jar-flag", Duration.ofMinutes(1));
            System.out.println("FLAG " + claimed);
        }
    }
}
