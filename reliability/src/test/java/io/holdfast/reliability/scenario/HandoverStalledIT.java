package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LeaseLostException;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.internal.KeyLayout;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.reliability.proxy.FaultProxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, defects 2 and 3: a waiter W behind a delaying proxy is handed the lock by a release
 * (grant message on its pub/sub connection, claim lease in Redis) while its command connection
 * stalls ({@link FaultProxy#holdRequests}). H holds first, C takes the lock when W's claim ends.
 */
class HandoverStalledIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static String lockKey(String resource) {
        return new KeyLayout("holdfast").lock(resource).lock();
    }

    /** Waits until {@code resource} has {@code n} queued waiters and a grant channel is subscribed. */
    private static void awaitQueued(String resource, int n) throws InterruptedException {
        String queue = new KeyLayout("holdfast").lock(resource).queue();
        assertThat(Timing.poll(PATIENCE, () -> redis.primary().cli("ZCARD", queue).equals(Integer.toString(n))
                && !redis.primary().cli("PUBSUB", "CHANNELS", "holdfast:granted:*").isEmpty()))
                .as("%d waiter(s) queued and subscribed", n).isTrue();
    }

    /**
     * Starts thread "w" acquiring {@code resource} on {@code m}: completes {@code granted} with the
     * lease (or the failure), releases it once {@code releaseAfter} is open.
     */
    private static Thread acquireOnThread(RedisLockManager m, String resource,
            CompletableFuture<Lease> granted, CountDownLatch releaseAfter) {
        Thread t = new Thread(() -> {
            try (Lease lease = m.acquire(resource, PATIENCE)) {
                granted.complete(lease);
                releaseAfter.await();
            } catch (Throwable e) {
                granted.completeExceptionally(e);
            }
        }, "w");
        t.start();
        return t;
    }

    /** True while {@code t} waits for the reply of a Redis command (not for a grant message). */
    private static boolean inCommand(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().endsWith("internal.CommandRunner")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Defect 2: with the default 30s lease the claim is 3s; validity used to be checked every
     * lease/20 = 1.5s, so W kept reading held up to ~0.9s after Redis expired its claim and C took
     * the lock, and the loss named the full lease's figure. Now W reports the loss before C is
     * granted, naming the claim.
     */
    @Test
    void grantedByMessage_thenCommandsStall_lossIsReportedBeforeTheClaimEnds_namingTheClaim() throws Exception {
        String resource = "handover-stalled";
        try (Scenario scenario = new Scenario("handover-stalled");
                FaultProxy proxy = FaultProxy.start(redis.primary().host(), redis.primary().port())) {
            RedisLockManager h = scenario.manager(redis.uri(), b -> b);
            RedisLockManager w = scenario.manager("redis://" + proxy.host() + ":" + proxy.port(),
                    b -> b.timeout(Duration.ofSeconds(10)));
            RedisLockManager c = scenario.manager(redis.uri(), b -> b);
            Lease held = h.acquire(resource, PATIENCE);
            CountDownLatch done = new CountDownLatch(1);
            CompletableFuture<Lease> granted = new CompletableFuture<>();
            Thread waiter = acquireOnThread(w, resource, granted, done);
            awaitQueued(resource, 1);
            held.release();
            Lease lease = granted.get(20, TimeUnit.SECONDS);
            proxy.holdRequests(); // the confirming renewal (at a third of the claim) never arrives
            long pttl = Long.parseLong(redis.primary().cli("PTTL", lockKey(resource)));
            assertThat(pttl).as("W was handed the lock with its claim lease (3s), not a full lease")
                    .isBetween(1L, 3000L);
            try (Lease next = c.acquire(resource, PATIENCE)) {
                assertThat(lease.isHeld()).as("W's lease when C is granted").isFalse();
                assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
                // before W's thread releases its handle (which then reads "released")
                assertThatThrownBy(lease::ensureHeld).isInstanceOf(LeaseLostException.class)
                        .hasMessageContaining("claim lease").hasMessageContaining("3s")
                        .hasMessageNotContaining("26.998s");
            } finally {
                proxy.pass();
                done.countDown();
                waiter.join(10_000);
            }
        }
    }

    /**
     * Defect 3: W's queue refresh stalls; H releases and its grant message reaches W; W's claim
     * expires and C takes the lock; then the stalled refresh runs. The message is stale: W must not
     * return the old token as a held lease (and no ghost entry may take the lock from C's release).
     * W keeps waiting and gets the lock from C's release, with a token greater than C's.
     */
    @Test
    void staleGrantMessage_afterAStalledRefresh_isNotAccepted_andTheWaiterGetsTheNextTurn() throws Exception {
        String resource = "stale-grant";
        try (Scenario scenario = new Scenario("stale-grant");
                FaultProxy proxy = FaultProxy.start(redis.primary().host(), redis.primary().port())) {
            RedisLockManager h = scenario.manager(redis.uri(), b -> b);
            // W's lease of 2s: a refresh every 500ms, a claim of 1.5s
            RedisLockManager w = scenario.manager("redis://" + proxy.host() + ":" + proxy.port(),
                    b -> b.lease(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(15)));
            RedisLockManager c = scenario.manager(redis.uri(), b -> b);
            Lease held = h.acquire(resource, PATIENCE);
            CompletableFuture<Lease> wLease = new CompletableFuture<>();
            Thread waiter = acquireOnThread(w, resource, wLease, new CountDownLatch(0));
            awaitQueued(resource, 1);
            proxy.holdRequests();
            // W's next refresh (every lease/4) is stuck in the proxy: W waits for its reply
            assertThat(Timing.poll(PATIENCE, () -> proxy.queuedBytes() > 0 && inCommand(waiter)))
                    .as("W's refresh stalled").isTrue();
            held.release(); // hands the lock to W: the message reaches W, the refresh does not
            Lease current = c.acquire(resource, PATIENCE); // once W's claim has expired
            try {
                proxy.pass(); // the stalled refresh runs now, finding C's value
                assertThat(wLease).as("W must not return the stale grant while C holds").isNotDone();
                String queue = new KeyLayout("holdfast").lock(resource).queue();
                assertThat(Timing.poll(PATIENCE, () -> redis.primary().cli("ZCARD", queue).equals("1")))
                        .as("W queued again behind C").isTrue();
                assertThat(wLease).isNotDone();
            } finally {
                current.release();
            }
            assertThat(wLease.get(20, TimeUnit.SECONDS).fencingToken()).isGreaterThan(current.fencingToken());
        }
    }
}
