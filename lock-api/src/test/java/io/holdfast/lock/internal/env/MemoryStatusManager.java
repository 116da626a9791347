package io.holdfast.lock.internal.env;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.internal.Names;
import io.holdfast.lock.internal.OwnerIds;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** A test status backend: managers on one map share flags. */
final class MemoryStatusManager implements StatusManager {

    private final String name;
    private final Map<String, FlagInfo> flags;
    private final String owner = OwnerIds.random();
    volatile boolean refuseClaims;
    volatile boolean closed;

    MemoryStatusManager(String name, Map<String, FlagInfo> flags) {
        this.name = name;
        this.flags = flags;
    }

    static Map<String, FlagInfo> newStore() {
        return new ConcurrentHashMap<>();
    }

    @Override
    public void set(String flag, Duration ttl) {
        flags.put(Names.require("flag", flag), info(flag, ttl));
    }

    @Override
    public boolean setIfAbsent(String flag, Duration ttl) {
        Names.require("flag", flag);
        if (refuseClaims) {
            return false;
        }
        FlagInfo mine = info(flag, ttl);
        return flags.compute(flag, (k, v) -> v == null || expired(v) ? mine : v) == mine;
    }

    @Override
    public boolean clear(String flag) {
        FlagInfo v = flags.get(flag);
        return v != null && v.owner().equals(owner) && flags.remove(flag, v);
    }

    @Override
    public boolean forceClear(String flag) {
        return flags.remove(flag) != null;
    }

    @Override
    public boolean isSet(String flag) {
        return get(flag).isPresent();
    }

    @Override
    public Optional<FlagInfo> get(String flag) {
        FlagInfo v = flags.get(flag);
        return v == null || expired(v) ? Optional.empty() : Optional.of(v);
    }

    @Override
    public Set<String> list() {
        Set<String> out = new TreeSet<>();
        flags.forEach((k, v) -> {
            if (!expired(v)) {
                out.add(k);
            }
        });
        return out;
    }

    @Override
    public String backend() {
        return name;
    }

    @Override
    public void close() {
        closed = true;
    }

    private FlagInfo info(String flag, Duration ttl) {
        Instant now = Instant.now();
        return new FlagInfo(flag, owner, now, now.plus(ttl));
    }

    private static boolean expired(FlagInfo v) {
        return !v.expiresAt().isAfter(Instant.now());
    }
}
