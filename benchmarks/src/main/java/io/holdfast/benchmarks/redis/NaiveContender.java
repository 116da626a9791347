package io.holdfast.benchmarks.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lock people write first: {@code SET key token NX PX 30000}, on failure sleep 100 ms and retry;
 * release with a compare-and-delete script. No local queue: every thread polls Redis on its own.
 * Shown because its throughput looks good while all but one holder starve.
 */
final class NaiveContender implements Contender {

    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";
    private static final SetArgs NX_PX = SetArgs.Builder.nx().px(30_000);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final String releaseSha;
    private final String owner = Long.toHexString(ProcessHandle.current().pid()) + ":";
    private final AtomicLong sequence = new AtomicLong();

    NaiveContender(String redisUri) {
        client = RedisClient.create(redisUri);
        connection = client.connect();
        redis = connection.sync();
        releaseSha = redis.scriptLoad(RELEASE);
    }

    @Override
    public Object acquire(String resource) throws InterruptedException {
        Object handle;
        while ((handle = tryAcquire(resource)) == null) {
            Thread.sleep(100);
        }
        return handle;
    }

    /** One {@code SET NX PX}: the floor for a miss (one command, one round trip). */
    @Override
    public Object tryAcquire(String resource) {
        String key = "naive:" + resource;
        String token = owner + sequence.incrementAndGet();
        return "OK".equals(redis.set(key, token, NX_PX)) ? new String[] {key, token} : null;
    }

    @Override
    public void release(Object handle) {
        String[] keyAndToken = (String[]) handle;
        redis.evalsha(releaseSha, ScriptOutputType.INTEGER, new String[] {keyAndToken[0]}, keyAndToken[1]);
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
