package io.holdfast.benchmarks.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A <b>prototype</b> of the changes issue 6 proposes for lock-redis, kept here only to measure them
 * before anyone builds them into the library (it has no renewal, no retries, no failover handling and
 * keeps one entry per resource name forever):
 * <ul>
 * <li><b>FIFO queue with grant-on-release</b>: a busy acquire enqueues the caller (a sorted set by
 * arrival, with an expiry per entry that the waiter refreshes every second) and marks the lock; the
 * release script hands the lock straight to the oldest live waiter and publishes the grant on that
 * waiter's <em>manager</em> channel (one subscription per manager, none per wait), so exactly one
 * process wakes per release and it already holds the lock: no herd, no second round trip.</li>
 * <li><b>Uncontended release in one command</b>: {@code GETDEL}, putting a foreign value back only in
 * the rare case the lease had been lost.</li>
 * <li><b>In-JVM lease handoff</b> (when {@code maxLocalHandoffs > 0}): a releasing thread with a
 * local thread queued behind it passes the Redis lease on without a round trip, at most
 * {@code maxLocalHandoffs} times in a row, then releases to Redis so other processes get their turn.
 * Fencing tokens stay strictly increasing: Redis counter in the high bits, local sequence (bounded by
 * {@code maxLocalHandoffs < 65536}) in the low 16 bits.</li>
 * </ul>
 */
final class ProtoContender implements Contender {

    private static final String ACQUIRE = String.join("\n",
            "-- KEYS lock, fence, queue, queue expiries, arrivals; ARGV owner, lease ms, mode, entry ttl ms",
            "-- mode 1: first attempt (queue if busy), 2: queued already (refresh; leave the queue if granted)",
            "if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then",
            "  if ARGV[3] == '2' then redis.call('zrem', KEYS[3], ARGV[1]); redis.call('hdel', KEYS[4], ARGV[1]) end",
            "  return redis.call('incr', KEYS[2])",
            "end",
            "local v = redis.call('get', KEYS[1])",
            "if v == ARGV[1] or v == ARGV[1] .. '!' then return tonumber(redis.call('get', KEYS[2])) end",
            "if not redis.call('zscore', KEYS[3], ARGV[1]) then",
            "  redis.call('zadd', KEYS[3], redis.call('incr', KEYS[5]), ARGV[1])",
            "end",
            "local t = redis.call('time')",
            "redis.call('hset', KEYS[4], ARGV[1], t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[4]))",
            "if string.sub(v, -1) ~= '!' then redis.call('set', KEYS[1], v .. '!', 'KEEPTTL') end",
            "local ttl = redis.call('pttl', KEYS[1])",
            "if ttl < 1 then ttl = 1 end",
            "return -ttl");
    private static final String RELEASE = String.join("\n",
            "-- KEYS lock, fence, queue, queue expiries; ARGV owner, lease ms. 1 released, 2 handed over, 0 not ours",
            "local v = redis.call('getdel', KEYS[1])",
            "if v == ARGV[1] then return 1 end",
            "if v ~= ARGV[1] .. '!' then",
            "  if v then redis.call('set', KEYS[1], v, 'PX', ARGV[2]) end",
            "  return 0",
            "end",
            "local t = redis.call('time')",
            "local now = t[1] * 1000 + math.floor(t[2] / 1000)",
            "while true do",
            "  local head = redis.call('zpopmin', KEYS[3])",
            "  if #head == 0 then return 1 end",
            "  local expiry = tonumber(redis.call('hget', KEYS[4], head[1]))",
            "  redis.call('hdel', KEYS[4], head[1])",
            "  if expiry and expiry >= now then",
            "    local token = redis.call('incr', KEYS[2])",
            "    local value = head[1]",
            "    if redis.call('zcard', KEYS[3]) > 0 then value = value .. '!' end",
            "    redis.call('set', KEYS[1], value, 'PX', ARGV[2])",
            "    redis.call('publish', string.match(head[1], '^[^|]+'), head[1] .. ' ' .. token)",
            "    return 2",
            "  end",
            "end");
    private static final String LEASE_MS = "30000";
    private static final String QUEUE_ENTRY_TTL_MS = "3000";
    private static final long REFRESH_MILLIS = 1000;

    private final int maxLocalHandoffs;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final String acquireSha;
    private final String releaseSha;
    private final String channel = "proto:wake:" + Long.toHexString(System.nanoTime() ^ ProcessHandle.current().pid());
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<String, CompletableFuture<Long>> waiters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    ProtoContender(String redisUri, int maxLocalHandoffs) {
        if (maxLocalHandoffs < 0 || maxLocalHandoffs >= 1 << 16) {
            throw new IllegalArgumentException("maxLocalHandoffs must be in [0, 65535], but was " + maxLocalHandoffs);
        }
        this.maxLocalHandoffs = maxLocalHandoffs;
        client = RedisClient.create(redisUri);
        connection = client.connect();
        redis = connection.sync();
        acquireSha = redis.scriptLoad(ACQUIRE);
        releaseSha = redis.scriptLoad(RELEASE);
        pubSub = client.connectPubSub();
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                int space = message.lastIndexOf(' ');
                CompletableFuture<Long> waiter = waiters.get(message.substring(0, space));
                if (waiter != null) {
                    waiter.complete(Long.parseLong(message.substring(space + 1)));
                }
            }
        });
        pubSub.sync().subscribe(channel);
    }

    /** The per-resource state of this JVM: the local queue and the Redis lease it may be passing on. */
    private static final class Entry {
        final ReentrantLock local = new ReentrantLock(true);
        final String[] keys;
        boolean held;
        String owner;
        long redisToken;
        int localSequence;
        int consecutive;

        Entry(String resource) {
            String p = "proto:{" + resource + "}:";
            keys = new String[] {p + "lock", p + "fence", p + "queue", p + "expiry", p + "arrivals"};
        }
    }

    /** What {@link #release} needs; {@code token} is the grant's fencing token. */
    private record Handle(Entry entry, long token) {
    }

    @Override
    public Object acquire(String resource) throws InterruptedException {
        Entry e = entries.computeIfAbsent(resource, Entry::new);
        e.local.lockInterruptibly();
        try {
            if (e.held) {
                e.localSequence++;
                return new Handle(e, e.redisToken << 16 | e.localSequence);
            }
            String owner = channel + "|" + sequence.incrementAndGet();
            e.redisToken = acquireRedis(e, owner);
            e.owner = owner;
            e.held = true;
            e.localSequence = 0;
            e.consecutive = 0;
            return new Handle(e, e.redisToken << 16);
        } catch (InterruptedException | RuntimeException ex) {
            e.local.unlock();
            throw ex;
        }
    }

    private long acquireRedis(Entry e, String owner) throws InterruptedException {
        CompletableFuture<Long> granted = new CompletableFuture<>();
        waiters.put(owner, granted); // before the script: a grant published right after it is not missed
        try {
            String mode = "1";
            while (true) {
                long r = redis.evalsha(acquireSha, ScriptOutputType.INTEGER, e.keys, owner, LEASE_MS, mode,
                        QUEUE_ENTRY_TTL_MS);
                if (r > 0) {
                    return r;
                }
                mode = "2";
                try {
                    return granted.get(REFRESH_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillQueued) {
                    // refresh the queue entry; also finds a grant whose message was lost
                } catch (ExecutionException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        } finally {
            waiters.remove(owner);
        }
    }

    @Override
    public long token(Object handle) {
        return ((Handle) handle).token();
    }

    @Override
    public void release(Object handle) {
        Entry e = ((Handle) handle).entry();
        if (e.consecutive < maxLocalHandoffs && e.local.hasQueuedThreads()) {
            e.consecutive++; // the next local thread inherits the Redis lease
        } else {
            e.held = false;
            redis.evalsha(releaseSha, ScriptOutputType.INTEGER, new String[] {e.keys[0], e.keys[1], e.keys[2],
                    e.keys[3]}, e.owner, LEASE_MS);
        }
        e.local.unlock();
    }

    @Override
    public void close() {
        pubSub.close();
        connection.close();
        client.shutdown();
    }
}
