package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.internal.KeyLayout;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.proxy.FaultProxy;
import io.holdfast.reliability.worker.Contender;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 3: the acquire reaches Redis and is granted, but the proxy holds the reply for longer
 * than the lease; meanwhile the key expires and another owner takes the lock and writes. When the
 * old reply is finally delivered, the late client must not get a lease at all (its validity,
 * measured from when it sent the acquire, has ended: the grant is given back and the client waits
 * on), and giving it back must not touch the new owner's lock.
 */
class DelayedAcquireReplyIT {

    private static final Duration LEASE = Duration.ofMillis(1000);
    private static final Duration HELD_FOR = Duration.ofMillis(2500);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Test
    void acquireReplyDelayedPastLease_lateGrantIsFencedAndHarmless() throws Exception {
        String resource = "delayed-reply";
        String key = new KeyLayout("holdfast").lock(resource).lock();
        try (Scenario scenario = new Scenario("delayed-acquire-reply");
                FaultProxy proxy = FaultProxy.start(redis.primary().host(), redis.primary().port())) {
            RedisLockManager late = scenario.manager("redis://" + proxy.host() + ":" + proxy.port(),
                    b -> b.lease(LEASE).timeout(Duration.ofSeconds(10)));
            RedisLockManager prompt = scenario.manager(redis.uri(), b -> b.lease(LEASE));
            proxy.holdReplies();
            long heldAt = System.nanoTime();
            CompletableFuture<Lease> lateLease = scenario.async("late-client", () -> {
                Contender contender = scenario.contender(late);
                Lease lease = contender.acquire(resource, Duration.ofSeconds(8));
                if (lease != null) {
                    contender.write(resource, lease.fencingToken());
                    // reported lost within one renewal interval of the late reply (the loss is knowable then)
                    Timing.poll(LEASE.dividedBy(3).plusMillis(500), () -> !lease.isHeld());
                    contender.release(lease);
                }
                return lease;
            });
            assertThat(Timing.poll(Duration.ofSeconds(5), () -> redis.primary().cli("EXISTS", key).equals("1")))
                    .as("the held acquire reached Redis").isTrue();
            // the new owner gets the lock once the unconfirmed grant's key expires, and keeps it
            Contender promptContender = scenario.contender(prompt);
            Lease current = promptContender.acquire(resource, Duration.ofSeconds(5));
            assertThat(current).isNotNull();
            long recoveredMillis = (System.nanoTime() - heldAt) / 1_000_000;
            assertThat(promptContender.write(resource, current.fencingToken())).isTrue();
            Thread.sleep(Math.max(0, HELD_FOR.toMillis() - recoveredMillis));
            proxy.pass();
            Lease lateResult = lateLease.get(20, TimeUnit.SECONDS);
            // the late client's whole round is over; the current owner's lock must be untouched
            Optional<LockInfo> info = prompt.inspect(resource);
            assertThat(info).as("current owner's lock still there").isPresent();
            assertThat(info.get().fencingToken()).isEqualTo(current.fencingToken());
            assertThat(current.isHeld()).isTrue();
            promptContender.release(current);
            assertThat(scenario.history.events()).filteredOn(e -> e.thread().equals(Thread.currentThread().getName())
                    && e.op() == io.holdfast.reliability.history.Event.Op.RELEASE
                    && e.phase() == io.holdfast.reliability.history.Event.Phase.OK)
                    .singleElement().extracting(io.holdfast.reliability.history.Event::detail)
                    .isEqualTo("released");
            CheckReport report = scenario.report("late_grant=" + (lateResult != null) + " held_ms="
                    + HELD_FOR.toMillis() + " lease_ms=" + LEASE.toMillis() + " recovered_ms=" + recoveredMillis);
            assertThat(report.fenceSafe()).as(report.details()).isTrue();
            assertThat(report.tokensMonotonic()).as(report.details()).isTrue();
            // born expired (issue 10): a grant whose reply came after its validity is given back, never
            // returned as a held lease; the late client waited on behind the new owner and timed out
            assertThat(lateResult).as("a grant whose reply arrived after the lease").isNull();
            assertThat(report.writesAccepted()).as("only the new owner wrote").isEqualTo(1);
        }
    }
}
