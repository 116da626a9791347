package io.holdfast.lock.redis.admin;

import io.holdfast.lock.redis.internal.InstanceRegistrar;
import io.holdfast.lock.spi.InstanceInfo;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** Reads the instance registrations {@link InstanceRegistrar} writes. */
final class InstanceReader {

    private final RedisReads reads;
    private final String prefix;

    InstanceReader(RedisReads reads, String namespace) {
        this.reads = reads;
        this.prefix = InstanceRegistrar.prefix(namespace);
    }

    /** Every live registration by owner id, sorted by host, pid and role. */
    Map<String, InstanceInfo> byOwner() {
        List<String> found = reads.scan("listing instances", Keys.escapeGlob(prefix) + "*");
        RedisClusterAsyncCommands<String, String> c = reads.commands();
        List<InstanceInfo> out = new ArrayList<>();
        for (int i = 0; i < found.size(); i += RedisReads.BATCH) {
            List<String> batch = found.subList(i, Math.min(found.size(), i + RedisReads.BATCH));
            out.addAll(reads.call("reading " + batch.size() + " instance(s)", () -> {
                List<CompletableFuture<InstanceInfo>> infos = new ArrayList<>();
                for (String key : batch) {
                    CompletableFuture<Map<String, String>> fields = c.hgetall(key).toCompletableFuture();
                    CompletableFuture<Long> ttl = c.pttl(key).toCompletableFuture();
                    infos.add(fields.thenCombine(ttl, (f, t) -> f.isEmpty() ? null
                            : info(key.substring(prefix.length()), f, t)));
                }
                return RedisReads.all(infos).thenApply(v -> infos.stream()
                        .map(CompletableFuture::join).filter(Objects::nonNull).toList());
            }));
        }
        out.sort(Comparator.comparing(InstanceInfo::host)
                .thenComparing(x -> x.pid().orElse(0)).thenComparing(InstanceInfo::role));
        Map<String, InstanceInfo> byOwner = new LinkedHashMap<>();
        out.forEach(x -> byOwner.put(x.ownerId(), x));
        return byOwner;
    }

    private static InstanceInfo info(String ownerId, Map<String, String> f, long pttl) {
        return new InstanceInfo(ownerId, f.getOrDefault(InstanceRegistrar.HOST, "?"),
                number(f.get(InstanceRegistrar.PID)).map(OptionalLong::of).orElse(OptionalLong.empty()),
                number(f.get(InstanceRegistrar.STARTED)).map(Instant::ofEpochMilli),
                f.getOrDefault(InstanceRegistrar.VERSION, "unknown"),
                f.getOrDefault(InstanceRegistrar.BACKEND, "redis"),
                f.getOrDefault(InstanceRegistrar.APP, ""),
                f.getOrDefault(InstanceRegistrar.ROLE, "?"),
                pttl > 0 ? Optional.of(Duration.ofMillis(pttl)) : Optional.empty());
    }

    private static Optional<Long> number(String text) {
        try {
            return text == null || text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
