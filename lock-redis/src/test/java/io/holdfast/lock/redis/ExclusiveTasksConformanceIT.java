package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.TaskResult;
import io.holdfast.lock.TaskResult.Outcome;
import io.holdfast.lock.testkit.conformance.ExclusiveTasksConformance;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exclusive tasks on one standalone Redis with a 1 s lease: a lease is lost for real (its key
 * deleted, or the server paused past the lease), and a task longer than the lease completes.
 */
class ExclusiveTasksConformanceIT extends ExclusiveTasksConformance {

    private static final Duration LEASE = Duration.ofSeconds(1);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Override
    protected LockManager newManager() {
        return RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri()).lease(LEASE).build());
    }

    @Override
    protected StatusManager newStatusManager() {
        return RedisStatusManager.create(redis.uri());
    }

    @Override
    protected boolean managersShare() {
        return true;
    }

    /** Deletes the lock key, as an operator or an eviction would: the next renewal finds it gone. */
    @Override
    protected void loseLease(LockManager manager, Lease lease) {
        try (RawRedis raw = new RawRedis(redis.uri())) {
            assertThat(raw.sync().del(RawRedis.lockKey("holdfast", lease.resource()))).isEqualTo(1);
        }
    }

    @Test
    void aTaskRunningThreeLeases_completes_becauseItsLeaseIsRenewed() {
        String name = task("long");
        TaskResult r = tasks.run(name, lease -> {
            Thread.sleep(LEASE.multipliedBy(3).toMillis());
            lease.ensureHeld();
        });

        assertThat(r.outcome()).isEqualTo(Outcome.RAN);
        assertThat(r.duration()).isGreaterThanOrEqualTo(LEASE.multipliedBy(3));
    }

    @Test
    void redisPausedPastTheLease_interruptsTheTask_andReportsLost() throws Exception {
        String name = task("paused");
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CompletableFuture<TaskResult> run = CompletableFuture.supplyAsync(() -> tasks.run(name, lease -> {
            started.countDown();
            try {
                Thread.sleep(PATIENCE.toMillis());
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        }));
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        redis.primary().stop();
        TaskResult r;
        try {
            r = run.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } finally {
            redis.primary().cont();
        }

        assertThat(r.outcome()).isEqualTo(Outcome.LOST);
        assertThat(r.detail()).contains("not confirmed");
        assertThat(interrupted).isTrue();
        assertThat(runs(name, Outcome.LOST)).isEqualTo(1);
    }
}
