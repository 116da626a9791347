package io.holdfast.reliability.scenario;

import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.history.Event;
import io.holdfast.reliability.process.WorkerJvm;
import io.holdfast.reliability.worker.Fleet;
import java.time.Duration;
import java.util.List;

/**
 * A fleet run in which one worker JVM was frozen (SIGSTOP) for a while and resumed (SIGCONT),
 * then every worker ran to its end.
 *
 * @param stoppedAt when the worker was stopped (nanoTime)
 * @param resumedAt when it was resumed (nanoTime, taken just before SIGCONT)
 * @param events every worker's events, in time order
 * @param report the checker's report of the run
 */
record FrozenRun(long stoppedAt, long resumedAt, List<Event> events, CheckReport report) {

    /** Freezes {@code worker} of {@code fleet} for {@code pause}, resumes it and waits for every worker's end. */
    static FrozenRun freeze(Fleet fleet, String worker, Duration pause) throws InterruptedException {
        WorkerJvm holder = fleet.worker(worker);
        holder.stop();
        long stoppedAt = System.nanoTime();
        Thread.sleep(pause.toMillis());
        long resumedAt = System.nanoTime();
        holder.cont();
        fleet.awaitExit(Duration.ofSeconds(40));
        return new FrozenRun(stoppedAt, resumedAt, fleet.events(List.of()), fleet.check(List.of()));
    }
}
