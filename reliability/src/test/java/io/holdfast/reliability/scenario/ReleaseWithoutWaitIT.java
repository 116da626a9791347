package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.internal.KeyLayout;
import io.holdfast.lock.redis.internal.Script;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.reliability.proxy.FaultProxy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: a release that does not wait for Redis's reply
 * ({@link RedisLockSettings.Builder#waitForRelease}{@code (false)}). What could break it, each
 * driven here through a {@link FaultProxy} that holds the manager's requests:
 * <ol>
 * <li>the next acquire of the same lock overtaking the release (same thread, another thread of
 * the same manager): it must queue behind it on the connection;</li>
 * <li>the release's {@code EVALSHA} finding {@code NOSCRIPT} (scripts flushed by a restart or a
 * failover) while the next acquire's script is cached: the release is sent again by {@code EVAL}
 * after the acquire ran, so the acquire must notice and try again behind it;</li>
 * <li>a release stalled when the manager closes: close waits, bounded; the lock frees itself
 * when the lease ends, and the late release never touches the next owner's lock.</li>
 * </ol>
 */
class ReleaseWithoutWaitIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static RedisLockManager manager(String uri, UnaryOperator<RedisLockSettings.Builder> settings) {
        return RedisLockManager.create(settings.apply(RedisLockSettings.builder().uri(uri)
                .waitForRelease(false)).build());
    }

    private static String proxied(FaultProxy proxy) {
        return "redis://" + proxy.host() + ":" + proxy.port();
    }

    private static FaultProxy proxy() {
        URI u = URI.create(redis.uri());
        return FaultProxy.start(u.getHost(), u.getPort());
    }

    @Test
    void release_thenAcquireOfTheSameLock_bySameAndOtherThread_isOrderedBehindTheRelease() throws Exception {
        ExecutorService otherThread = Executors.newSingleThreadExecutor();
        try (FaultProxy proxy = proxy();
                RedisLockManager m = manager(proxied(proxy), b -> b.localHandoffs(0))) {
            proxy.latency(Duration.ofMillis(1)); // a reply takes 2ms: an overtaking acquire would miss
            for (int i = 0; i < 50; i++) {
                Lease lease = m.tryAcquire("ordered").orElseThrow();
                assertThat(lease.release()).isTrue();
                Optional<Lease> again = i % 2 == 0 ? m.tryAcquire("ordered")
                        : CompletableFuture.supplyAsync(() -> m.tryAcquire("ordered"), otherThread).get();
                assertThat(again).as("try-acquire right after the release, cycle %d", i).isPresent();
                // released on the acquiring thread (a lease may only be released by its holder)
                if (i % 2 == 0) {
                    again.get().release();
                } else {
                    CompletableFuture.runAsync(() -> again.get().release(), otherThread).get();
                }
            }
        } finally {
            otherThread.shutdown();
        }
    }

    @Test
    void release_thenAcquireByAnotherManager_getsTheLockPromptly() throws Exception {
        ExecutorService otherThread = Executors.newSingleThreadExecutor();
        try (RedisLockManager a = manager(redis.uri(), b -> b);
                RedisLockManager b = manager(redis.uri(), s -> s)) {
            for (int i = 0; i < 20; i++) {
                Lease lease = a.acquire("between", PATIENCE);
                CompletableFuture<Lease> other = CompletableFuture.supplyAsync(() -> {
                    try {
                        return b.acquire("between", PATIENCE);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, otherThread);
                await().atMost(PATIENCE).until(() -> "1".equals(redis.primary().cli("ZCARD",
                        new KeyLayout("holdfast").lock("between").queue())));
                assertThat(lease.release()).isTrue();
                Lease next = other.get();
                assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
                CompletableFuture.runAsync(next::release, otherThread).get();
            }
        } finally {
            otherThread.shutdown();
        }
    }

    @Test
    void releaseResentAfterNoscript_acquireSentBehindIt_stillGetsTheLock() throws Exception {
        try (FaultProxy proxy = proxy();
                RedisLockManager m = manager(proxied(proxy), b -> b.localHandoffs(0));
                RedisClient admin = RedisClient.create(redis.uri());
                StatefulRedisConnection<String, String> raw = admin.connect()) {
            Lease lease = m.acquire("noscript", PATIENCE);
            // scripts flushed (a restart, a failover); the acquire script alone is cached again
            raw.sync().scriptFlush();
            raw.sync().scriptLoad(Script.ACQUIRE.text());
            proxy.holdRequests();
            assertThat(lease.release()).isTrue(); // EVALSHA release, held by the proxy
            await().atMost(PATIENCE).until(() -> proxy.queuedBytes() > 0);
            long releaseBytes = proxy.queuedBytes();
            CompletableFuture<Optional<Lease>> again = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    Optional<Lease> l = m.tryAcquire("noscript");
                    again.complete(l);
                    l.ifPresent(Lease::release);
                } catch (Throwable e) {
                    again.completeExceptionally(e);
                }
            });
            t.start();
            // both scripts are queued in the proxy, in order: EVALSHA release, EVALSHA acquire
            await().atMost(PATIENCE).until(() -> proxy.queuedBytes() > releaseBytes);
            proxy.pass();
            // the release finds NOSCRIPT and is resent by EVAL after the acquire found the lock
            // busy: the acquire must try once more behind it
            assertThat(again.get()).as("try-acquire sent right after the release").isPresent();
            t.join();
        }
    }

    @Test
    void releaseStalled_closeWaitsBounded_leaseExpires_andTheLateReleaseNeverTouchesTheNextOwner()
            throws Exception {
        Duration lease = Duration.ofMillis(1500);
        Duration timeout = Duration.ofMillis(500);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FaultProxy proxy = proxy();
                RedisLockManager other = manager(redis.uri(), b -> b.lease(lease))) {
            RedisLockManager m = manager(proxied(proxy),
                    b -> b.lease(lease).timeout(timeout).meterRegistry(registry));
            Lease held = m.acquire("stalled", PATIENCE);
            proxy.holdRequests();
            assertThat(held.release()).as("the release does not wait for Redis").isTrue();
            CompletableFuture<Void> closed = CompletableFuture.runAsync(m::close);
            // close waits for the pending release up to the timeout, then gives up
            closed.get(PATIENCE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            await().atMost(PATIENCE).until(() -> registry.find(LockMetricNames.RELEASE_FAILURES)
                    .counter() != null && registry.get(LockMetricNames.RELEASE_FAILURES).counter().count() == 1);

            // the lock was never freed: the next owner gets it when the lease ends, not before
            assertThat(other.tryAcquire("stalled")).isEmpty();
            Lease next = other.acquire("stalled", PATIENCE);
            assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
            proxy.pass(); // whatever the proxy still held reaches Redis now
            await().atMost(PATIENCE).until(() -> proxy.queuedBytes() == 0); // delivered or dropped
            assertThat(next.isHeld()).isTrue();
            assertThat(other.inspect("stalled")).hasValueSatisfying(
                    i -> assertThat(i.fencingToken()).isEqualTo(next.fencingToken()));
            next.release();
        }
    }
}
