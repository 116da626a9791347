package io.holdfast.lock.redis;

import io.holdfast.lock.testkit.jvm.ReadWriteRounds;
import java.nio.file.Path;

/**
 * {@link ReadWriteRounds} on Redis locks. Args: Redis URI, namespace, value file, threads,
 * operations per thread.
 */
public final class ReadWriteWorkerMain {

    public static void main(String[] args) throws Exception {
        ReadWriteRounds.run(RedisLockManager.create(RedisLockSettings.builder().uri(args[0])
                        .namespace(args[1]).build()),
                Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    }
}
