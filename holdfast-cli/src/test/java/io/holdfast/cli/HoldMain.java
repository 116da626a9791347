package io.holdfast.cli;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockService;
import java.time.Duration;

/**
 * A service process for cross-process tests: opens {@link LockService#fromEnvironment()}, takes
 * the lock {@code args[0]} (waiting up to a minute), prints {@code held <token>}, and holds it
 * until its standard input closes or a line arrives, then prints {@code lost} or {@code released}.
 */
public final class HoldMain {

    private HoldMain() {}

    public static void main(String[] args) throws Exception {
        try (LockService service = LockService.fromEnvironment()) {
            System.out.println("waiting " + ProcessHandle.current().pid());
            Lease lease = service.locks().acquire(args[0], Duration.ofMinutes(1));
            System.out.println("held " + lease.fencingToken());
            System.in.read();
            System.out.println(lease.isHeld() ? "released" : "lost");
            lease.release();
        }
    }
}
