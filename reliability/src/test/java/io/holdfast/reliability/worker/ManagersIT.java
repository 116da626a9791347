package io.holdfast.reliability.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.reliability.proxy.FaultProxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker JVM's manager start-up against a Redis that refuses (resets) connections for a while:
 * the flake of {@code HolderKilledIT} whose worker died at start-up with "Currently not connected".
 */
class ManagersIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Test
    void redisManagerStartUp_waitsForRedisToBeReachable() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(redis.primary().host(), redis.primary().port())) {
            proxy.refuse(true);
            CompletableFuture<LockManager> created = CompletableFuture.supplyAsync(() -> Managers.create(
                    WorkerOptions.parse("uri=redis://" + proxy.host() + ":" + proxy.port(), "timeout_ms=1000")));
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.acceptedConnections() >= 2);
            assertThat(created).as("still trying while Redis refuses").isNotDone();
            proxy.refuse(false);
            try (LockManager manager = created.get(20, TimeUnit.SECONDS)) {
                assertThat(manager.tryAcquire("started")).isPresent().get().satisfies(l -> l.release());
            }
        }
    }

    @Test
    void redisManagerStartUp_givesUpAfterStartupMillis_withTheLastFailure() {
        try (FaultProxy proxy = FaultProxy.start(redis.primary().host(), redis.primary().port())) {
            proxy.refuse(true);
            assertThatThrownBy(() -> Managers.create(WorkerOptions.parse(
                    "uri=redis://" + proxy.host() + ":" + proxy.port(), "timeout_ms=500", "startup_ms=1000")))
                    .isInstanceOf(LockUnavailableException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).singleElement().extracting(Throwable::getMessage)
                            .asString().contains("startup_ms=1000"));
        }
    }
}
