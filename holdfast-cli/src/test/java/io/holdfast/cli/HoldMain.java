package io.holdfast.cli;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockService;
import java.time.Duration;

/**
 * A service process for cross-process tests: opens {@link LockService#fromEnvironment()}, takes
 * the lock {@code args[0]} (shared when {@code args[1]} is {@code shared}; waiting up to a minute), prints {@code held <token>}, and holds it
 * until its standard input closes or a line arrives, then prints {@code lost} or {@code released}.
 */
public final class HoldMain {

    private HoldMain() {}

    public static void main(String[] args) throws Exception {
        try (LockService service = LockService.fromEnvironment()) {
            System.out.println("waiting " + ProcessHandle.current().pid());
            boolean shared = args.length > 1 && args[1].equals("shared");
            Lease lease = shared ? service.locks().acquireShared(args[0], Duration.ofMinutes(1))
                    : service.locks().acquire(args[0], Duration.ofMinutes(1));
            System.out.println("held " + lease.fencingToken());
            System.in.read();
            System.out.println(lease.isHeld() ? "released" : "lost");
            lease.release();
        }
    }
}
