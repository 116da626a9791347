package io.holdfast.lock.redis.provider;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockService;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.testkit.conformance.LockManagerConformance;
import io.holdfast.lock.testkit.conformance.StatusManagerConformance;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The LockManager and StatusManager contracts for {@code USE_NEW_LOCKS=dual} on one Redis, as
 * built by {@link LockService}. Services share the file directory and the Redis, so the
 * cross-manager parts of the kits apply: tokens come from Redis and increase across services.
 */
class DualFileRedisConformanceIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @TempDir
    static Path dir;

    private static final List<LockService> SERVICES = new ArrayList<>();

    static LockService open() {
        LockService s = LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "dual",
                "REDIS_URL", redis.uri(), "LOCK_DIR", dir.toString()));
        synchronized (SERVICES) {
            SERVICES.add(s);
        }
        return s;
    }

    @AfterEach
    void closeServices() {
        synchronized (SERVICES) {
            SERVICES.forEach(LockService::close);
            SERVICES.clear();
        }
    }

    @Nested
    class Locks extends LockManagerConformance {
        @Override
        protected LockManager newManager() {
            return open().locks();
        }

        @Override
        protected boolean managersShareLocks() {
            return true;
        }

        @Override
        protected int stressAcquisitions() {
            return 1000;
        }
    }

    @Nested
    class Flags extends StatusManagerConformance {
        @Override
        protected StatusManager newStatusManager() {
            return open().status();
        }

        @Override
        protected boolean managersShareFlags() {
            return true;
        }
    }
}
