package io.holdfast.examples.inverter;

import io.holdfast.lock.ExclusiveTasks;
import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockService;
import io.holdfast.lock.LockTimeoutException;
import io.holdfast.lock.TaskResult;
import io.holdfast.lock.TaskSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/** The worker threads of one process: poll the inverter under the lock, sometimes force-charge. */
public final class InverterWorkers {

    /** The lock every poll takes. */
    public static final String LOCK = "inverter_read";
    /** The exclusive task of a force-charge cycle: one at a time across every process. */
    public static final TaskSettings CHARGE_TASK = TaskSettings.of("charge-running");
    private static final int POLLS_BETWEEN_CHARGES = 20;
    private static final int CHARGE_STEPS = 3;

    private final LockService service;
    private final LockManager locks;
    private final Path deviceDir;
    private final int workers;
    private final int chargeWorkers;
    private final Duration pollTime;
    private final Duration lockWait;

    /** Workers that take their locks and flags from {@code service}. */
    public InverterWorkers(LockService service, Path deviceDir, int workers, int chargeWorkers,
            Duration pollTime, Duration lockWait) {
        this.service = service;
        this.locks = service.locks();
        this.deviceDir = deviceDir;
        this.workers = workers;
        this.chargeWorkers = chargeWorkers;
        this.pollTime = pollTime;
        this.lockWait = lockWait;
    }

    /**
     * Runs every worker for {@code duration}.
     *
     * @param progress called about once a second with the elapsed time and this process's totals
     *     so far, or null
     */
    public WorkerReport run(Duration duration, BiConsumer<Duration, WorkerReport> progress)
            throws Exception {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<WorkerReport> reports = new ArrayList<>();
        try (SimulatedInverter inverter = new SimulatedInverter(deviceDir);
                ExclusiveTasks tasks = ExclusiveTasks.create(service, null)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                WorkerReport report = new WorkerReport();
                reports.add(report);
                boolean charges = i < chargeWorkers;
                futures.add(pool.submit(() -> work(inverter, tasks, report, charges, end)));
            }
            while (System.nanoTime() < end) {
                TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                if (progress != null) {
                    progress.accept(Duration.ofNanos(System.nanoTime() - start), snapshot(inverter, reports));
                }
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return snapshot(inverter, reports);
        } finally {
            pool.shutdownNow();
        }
    }

    private static WorkerReport snapshot(SimulatedInverter inverter, List<WorkerReport> reports) {
        WorkerReport total = new WorkerReport();
        for (WorkerReport r : reports) {
            synchronized (r) {
                total.merge(r);
            }
        }
        // the device, not the workers, is the judge of overlaps and stale tokens
        total.overlaps = inverter.overlaps();
        total.chargeOverlaps = inverter.chargeOverlaps();
        total.staleRejected = inverter.staleTokensRejected();
        return total;
    }

    private Void work(SimulatedInverter inverter, ExclusiveTasks tasks, WorkerReport report,
            boolean charges, long end) throws Exception {
        int sinceCharge = 0;
        while (System.nanoTime() < end) {
            if (poll(inverter, report) && charges && ++sinceCharge >= POLLS_BETWEEN_CHARGES) {
                sinceCharge = 0;
                forceCharge(inverter, tasks, report);
            }
        }
        return null;
    }

    /** One poll: take the lock, open a session with the lease's token, read for pollTime. */
    private boolean poll(SimulatedInverter inverter, WorkerReport report) throws InterruptedException {
        long t0 = System.nanoTime();
        try (Lease lease = locks.acquire(LOCK, lockWait)) {
            long waited = System.nanoTime() - t0;
            try (SimulatedInverter.Session session = inverter.open(lease.fencingToken())) {
                LockSupport.parkNanos(pollTime.toNanos());
            }
            synchronized (report) {
                report.waits.recordValue(waited);
                report.polls++;
            }
            return true;
        } catch (LockTimeoutException e) {
            synchronized (report) {
                report.timeouts++;
            }
            return false;
        }
    }

    /**
     * A force-charge cycle, a few writes each under the lock, run as an exclusive task: skipped at
     * once while another worker of any process runs one.
     */
    private void forceCharge(SimulatedInverter inverter, ExclusiveTasks tasks, WorkerReport report)
            throws Exception {
        TaskResult cycle = tasks.run(CHARGE_TASK, lease -> {
            try (SimulatedInverter.Session charging = inverter.startCharge()) {
                for (int step = 0; step < CHARGE_STEPS; step++) {
                    poll(inverter, report);
                }
            }
        });
        if (cycle.failure().isPresent()) {
            throw (Exception) cycle.failure().get();
        }
        synchronized (report) {
            if (cycle.outcome() == TaskResult.Outcome.RAN) {
                report.chargeCycles++;
            } else if (cycle.outcome() == TaskResult.Outcome.SKIPPED_HELD) {
                report.chargeSkipped++;
            }
        }
    }
}
