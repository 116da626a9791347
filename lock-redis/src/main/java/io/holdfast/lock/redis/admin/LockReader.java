package io.holdfast.lock.redis.admin;

import io.holdfast.lock.redis.internal.KeyLayout;
import io.holdfast.lock.redis.internal.LockProtocol;
import io.holdfast.lock.redis.internal.OwnerValue;
import io.holdfast.lock.spi.InstanceInfo;
import io.holdfast.lock.spi.LockState;
import io.holdfast.lock.spi.QueueEntry;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Reads held locks: SCAN for the namespace's lock keys, then per lock, pipelined, the owner value,
 * the fence, the lease left, the queue (arrival in server µs) and the queue entries' expiries; a
 * queue entry counts only while its expiry is ahead of the server's clock, as the release script
 * counts it.
 */
final class LockReader {

    private final RedisReads reads;
    private final Keys keys;

    LockReader(RedisReads reads, Keys keys) {
        this.reads = reads;
        this.keys = keys;
    }

    List<LockState> locks(Predicate<String> names, Map<String, InstanceInfo> instances) {
        List<Named> wanted = new ArrayList<>();
        for (String key : reads.scan("listing locks", keys.lockPattern())) {
            keys.name(key).filter(names).ifPresent(n -> wanted.add(new Named(n, keys.lock(n))));
        }
        wanted.sort(Comparator.comparing(Named::name));
        List<LockState> out = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i += RedisReads.BATCH) {
            List<Named> batch = wanted.subList(i, Math.min(wanted.size(), i + RedisReads.BATCH));
            for (Raw raw : read(batch)) {
                state(raw, instances, false).ifPresent(out::add);
            }
        }
        return out;
    }

    Optional<LockState> inspect(String name, Map<String, InstanceInfo> instances) {
        return state(read(List.of(new Named(name, keys.lock(name)))).get(0), instances, true);
    }

    private List<Raw> read(List<Named> batch) {
        RedisClusterAsyncCommands<String, String> c = reads.commands();
        long nowMicros = reads.serverMicros();
        return reads.call("reading " + batch.size() + " lock(s)", () -> {
            List<CompletableFuture<Raw>> raws = new ArrayList<>();
            for (Named n : batch) {
                KeyLayout.LockKeys k = n.keys();
                CompletableFuture<String> owner = c.get(k.lock()).toCompletableFuture();
                CompletableFuture<String> fence = c.get(k.fence()).toCompletableFuture();
                CompletableFuture<Long> ttl = c.pttl(k.lock()).toCompletableFuture();
                CompletableFuture<List<ScoredValue<String>>> queue =
                        c.zrangeWithScores(k.queue(), 0, -1).toCompletableFuture();
                CompletableFuture<Map<String, String>> expiries =
                        c.hgetall(k.queueExpiry()).toCompletableFuture();
                CompletableFuture<Map<String, String>> readers = c.hgetall(k.readers()).toCompletableFuture();
                raws.add(CompletableFuture.allOf(owner, fence, ttl, queue, expiries, readers)
                        .thenApply(v -> new Raw(n.name(), owner.join(), fence.join(), ttl.join(),
                                queue.join(), expiries.join(), readers.join(), nowMicros)));
            }
            return RedisReads.all(raws).thenApply(v -> raws.stream().map(CompletableFuture::join).toList());
        });
    }

    private static Optional<LockState> state(Raw raw, Map<String, InstanceInfo> instances,
            boolean withQueue) {
        if (raw.owner() == null) {
            return Optional.empty(); // released since the scan
        }
        LockProtocol.Snapshot s = new LockProtocol.Snapshot(raw.owner(),
                raw.fence() == null ? 0 : Long.parseLong(raw.fence()), raw.pttl());
        OwnerValue owner = OwnerValue.lenient(raw.owner());
        long nowMillis = raw.nowMicros() / 1000;
        List<QueueEntry> live = new ArrayList<>();
        for (ScoredValue<String> e : raw.queue()) {
            String expiry = raw.expiries().get(e.getValue());
            // '<ms>' for an exclusive request, '<ms>s' for a shared one
            if (expiry == null || Long.parseLong(expiry.endsWith("s")
                    ? expiry.substring(0, expiry.length() - 1) : expiry) < nowMillis) {
                continue; // dead: the release script skips it
            }
            OwnerValue waiter = OwnerValue.lenient(e.getValue());
            long waitedMicros = Math.max(0, raw.nowMicros() - (long) e.getScore());
            live.add(new QueueEntry(waiter.ownerId(), waiter.thread(),
                    Optional.of(Duration.ofNanos(waitedMicros * 1000)),
                    Optional.ofNullable(instances.get(waiter.ownerId()))));
        }
        Optional<Duration> oldest = live.stream().map(e -> e.waited().orElseThrow()).max(Comparator.naturalOrder());
        OwnerValue holder = owner;
        int readerCount = 0;
        if (LockProtocol.SHARED_VALUE.equals(s.ownerValue())) {
            // readers: owner value -> '<deadline ms> <token>'; the first live one names the holders
            List<String> readers = raw.readers().entrySet().stream()
                    .filter(r -> Long.parseLong(r.getValue().split(" ")[0]) >= nowMillis)
                    .map(Map.Entry::getKey).sorted().toList();
            if (readers.isEmpty()) {
                return Optional.empty(); // every reader's entry ended: free for the next script
            }
            holder = OwnerValue.lenient(readers.get(0));
            readerCount = readers.size();
        }
        return Optional.of(new LockState(raw.name(), "redis", readerCount > 0 ? "shared" : "exclusive",
                holder.ownerId(), holder.thread(), holder.at(), s.grantToken(), s.remaining(), live.size(),
                oldest, Optional.ofNullable(instances.get(holder.ownerId())), withQueue ? live : List.of(),
                owner.value(), readerCount));
    }

    private record Named(String name, KeyLayout.LockKeys keys) {}

    private record Raw(String name, String owner, String fence, long pttl,
            List<ScoredValue<String>> queue, Map<String, String> expiries, Map<String, String> readers,
            long nowMicros) {}
}
