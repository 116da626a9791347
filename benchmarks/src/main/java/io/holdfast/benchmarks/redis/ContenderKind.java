package io.holdfast.benchmarks.redis;

import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.integration.redis.util.RedisLockRegistry.RedisLockType;

/** The contenders the harness knows, by the name used on the command line and in the tables. */
enum ContenderKind {
    HOLDFAST("holdfast", true),
    /** holdfast with releases that do not wait for Redis's reply ({@code waitForRelease(false)}). */
    HOLDFAST_FAST_RELEASE("holdfast-nowait", true),
    /** holdfast with zero-wait misses answered from the client-side cache ({@code cacheMisses(true)}). */
    HOLDFAST_MISS_CACHE("holdfast-cache", true),
    REDISSON("redisson", true),
    SPRING_PUB_SUB("spring-pubsub", true),
    SPRING_SPIN("spring-spin", true),
    NAIVE("naive-poll", true),
    HOLDFAST_FILE("holdfast-file", false);

    final String label;
    final boolean usesRedis;

    ContenderKind(String label, boolean usesRedis) {
        this.label = label;
        this.usesRedis = usesRedis;
    }

    /**
     * Whether this contender takes part in {@code scenario}: the file manager (no Redis) only in S1,
     * S3, S5 and S6, where its uncontended cost, cross-process handoff, misses and shared locks are
     * what matter; its S2 and S4 would only measure the shared in-JVM queue again. S6 needs a
     * read-write lock: holdfast (when its backend has shared locks) and Redisson's {@code RReadWriteLock}.
     */
    boolean runs(Scenario scenario) {
        if (scenario == Scenario.S6) {
            return this == HOLDFAST || this == HOLDFAST_FAST_RELEASE || this == REDISSON
                    || this == HOLDFAST_FILE;
        }
        return usesRedis || scenario == Scenario.S1 || scenario == Scenario.S3 || scenario == Scenario.S5;
    }

    /** Connects a contender; {@code lockDirectory} is only used by the file-based one. */
    Contender open(String redisUri, Path lockDirectory) {
        switch (this) {
            case HOLDFAST:
                return new HoldfastContender(RedisLockManager.create(RedisLockSettings.of(redisUri)));
            case HOLDFAST_FAST_RELEASE:
                return new HoldfastContender(RedisLockManager.create(RedisLockSettings.builder()
                        .uri(redisUri).waitForRelease(false).build()));
            case HOLDFAST_MISS_CACHE:
                return new HoldfastContender(RedisLockManager.create(RedisLockSettings.builder()
                        .uri(redisUri).cacheMisses(true).build()));
            case REDISSON:
                return new RedissonContender(redisUri);
            case SPRING_PUB_SUB:
                return new SpringContender(redisUri, RedisLockType.PUB_SUB_LOCK);
            case SPRING_SPIN:
                return new SpringContender(redisUri, RedisLockType.SPIN_LOCK);
            case NAIVE:
                return new NaiveContender(redisUri);
            case HOLDFAST_FILE:
                return new HoldfastContender(FileLockManager.create(FileLockSettings.of(lockDirectory)));
            default:
                throw new IllegalArgumentException("unknown contender " + this);
        }
    }

    static ContenderKind byLabel(String label) {
        for (ContenderKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown contender '" + label + "'; known: "
                + Arrays.stream(values()).map(k -> k.label).collect(Collectors.joining(", ")));
    }
}
