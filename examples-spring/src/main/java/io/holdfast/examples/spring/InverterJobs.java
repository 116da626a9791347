package io.holdfast.examples.spring;

import io.holdfast.examples.inverter.SimulatedInverter;
import io.holdfast.lock.ExclusiveTasks;
import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockTimeoutException;
import io.holdfast.spring.ExclusiveTask;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** The scheduled work of one instance: polls under a lock, and the exclusive charge cycle. */
@Component
public class InverterJobs {

    private static final Logger LOG = LoggerFactory.getLogger(InverterJobs.class);
    static final String LOCK = "inverter_read";

    private final LockManager locks;
    private final SimulatedInverter inverter;
    private final ApplicationContext context;
    private final Duration pollTime;
    private final Duration lockWait;
    private final Duration runFor;
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong charges = new AtomicLong();

    public InverterJobs(LockManager locks, SimulatedInverter inverter, ApplicationContext context,
            @Value("${inverter.poll-time:2ms}") Duration pollTime,
            @Value("${inverter.lock-wait:5s}") Duration lockWait,
            @Value("${inverter.run-for:0s}") Duration runFor) {
        this.locks = locks;
        this.inverter = inverter;
        this.context = context;
        this.pollTime = pollTime;
        this.lockWait = lockWait;
        this.runFor = runFor;
    }

    /** A poll: the lock, then a session carrying the lease's fencing token. */
    @Scheduled(fixedRateString = "${inverter.poll-rate:50ms}")
    public void poll() throws InterruptedException {
        try (Lease lease = locks.acquire(LOCK, lockWait);
                SimulatedInverter.Session session = inverter.open(lease.fencingToken())) {
            LockSupport.parkNanos(pollTime.toNanos());
            polls.incrementAndGet();
        } catch (LockTimeoutException e) {
            timeouts.incrementAndGet();
        }
    }

    /**
     * A force-charge cycle: on one instance at a time, and, thanks to the minimum hold, at most
     * once per {@code inverter.charge-min-hold} across all instances whatever their schedules.
     */
    @Scheduled(fixedRateString = "${inverter.charge-rate:1s}")
    @ExclusiveTask(name = "charge-running", minHold = "${inverter.charge-min-hold:900ms}")
    public void charge() throws InterruptedException {
        LOG.debug("charge cycle with fencing token {}", ExclusiveTasks.currentLease().orElseThrow().fencingToken());
        try (SimulatedInverter.Session cycle = inverter.startCharge()) {
            for (int step = 0; step < 3; step++) {
                poll();
            }
        }
        charges.incrementAndGet();
    }

    /** With {@code inverter.run-for} set, stops after that long with a report line. */
    @EventListener(ApplicationReadyEvent.class)
    public void stopLater() {
        if (runFor.isZero()) {
            return;
        }
        Thread stopper = new Thread(() -> {
            LockSupport.parkNanos(runFor.toNanos());
            String report = report();
            int code = inverter.overlaps() == 0 && inverter.chargeOverlaps() == 0 ? 0 : 1;
            System.out.println(report);
            System.exit(SpringApplication.exit(context, () -> code));
        }, "inverter-stopper");
        stopper.start();
    }

    /** This instance's counts and the device's judgement. */
    public String report() {
        return "REPORT polls=" + polls + " timeouts=" + timeouts + " charges=" + charges
                + " overlaps=" + inverter.overlaps() + " chargeOverlaps=" + inverter.chargeOverlaps()
                + " stale=" + inverter.staleTokensRejected();
    }
}
