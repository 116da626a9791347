package io.holdfast.lock.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/** A plain Lettuce connection for tests to look at (and tamper with) what holdfast wrote. */
final class RawRedis implements AutoCloseable {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    RawRedis(String uri) {
        client = RedisClient.create(uri);
        connection = client.connect();
        connection.setTimeout(Duration.ofSeconds(10));
    }

    RedisCommands<String, String> sync() {
        return connection.sync();
    }

    /** The lock key of {@code resource} for a plain name (no escaping needed). */
    static String lockKey(String namespace, String resource) {
        return namespace + ":{" + resource + "}:lock";
    }

    /** Calls of every command since the last CONFIG RESETSTAT, except INFO and CONFIG (the test's own). */
    long totalCommandCalls() {
        long total = 0;
        for (String line : sync().info("commandstats").split("\r?\n")) {
            int i = line.indexOf("calls=");
            if (line.startsWith("cmdstat_") && i > 0 && !line.startsWith("cmdstat_info")
                    && !line.startsWith("cmdstat_config")) {
                total += Long.parseLong(line.substring(i + 6, line.indexOf(',', i)));
            }
        }
        return total;
    }

    /** Calls of {@code EVALSHA} since the last CONFIG RESETSTAT. */
    long evalshaCalls() {
        for (String line : sync().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:")) {
                int i = line.indexOf("calls=");
                return Long.parseLong(line.substring(i + 6, line.indexOf(',', i)));
            }
        }
        return 0;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
