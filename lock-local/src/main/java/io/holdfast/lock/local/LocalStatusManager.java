package io.holdfast.lock.local;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.local.internal.FlagRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Status flags in this JVM's memory, expiring on an injectable {@link Clock}. Two managers do not
 * share flags. Expired flags are dropped when next read or listed. Thread-safe.
 */
public final class LocalStatusManager implements StatusManager {

    private final Clock clock;
    private final String owner = FlagRecord.newOwner();
    private final ConcurrentHashMap<String, FlagRecord> flags = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private LocalStatusManager(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A manager on the system clock. */
    public static LocalStatusManager create() {
        return create(Clock.systemUTC());
    }

    /** A manager whose TTLs run on {@code clock} (inject a fixed or mutable clock in tests). */
    public static LocalStatusManager create(Clock clock) {
        return new LocalStatusManager(clock);
    }

    @Override
    public void set(String flag, Duration ttl) {
        FlagRecord record = newRecord(flag, ttl);
        flags.put(flag, record);
    }

    @Override
    public boolean setIfAbsent(String flag, Duration ttl) {
        FlagRecord record = newRecord(flag, ttl);
        return flags.compute(flag, (k, old) -> live(old) ? old : record) == record;
    }

    @Override
    public boolean clear(String flag) {
        return remove(flag, true);
    }

    @Override
    public boolean forceClear(String flag) {
        return remove(flag, false);
    }

    @Override
    public Optional<FlagInfo> get(String flag) {
        FlagRecord.requireName(flag);
        ensureOpen();
        FlagRecord r = flags.get(flag);
        if (r == null) {
            return Optional.empty();
        }
        if (!live(r)) {
            flags.remove(flag, r);
            return Optional.empty();
        }
        return Optional.of(r.toInfo(flag));
    }

    @Override
    public Set<String> list() {
        ensureOpen();
        Set<String> names = new TreeSet<>();
        flags.forEach((name, r) -> {
            if (live(r)) {
                names.add(name);
            } else {
                flags.remove(name, r);
            }
        });
        return names;
    }

    @Override
    public String backend() {
        return "local";
    }

    /** Marks the manager closed; its flags are dropped with it. */
    @Override
    public void close() {
        closed = true;
        flags.clear();
    }

    @Override
    public String toString() {
        return "LocalStatusManager[" + owner + "]";
    }

    private FlagRecord newRecord(String flag, Duration ttl) {
        FlagRecord.requireName(flag);
        FlagRecord.requireTtl(ttl);
        ensureOpen();
        return FlagRecord.of(owner, clock.instant(), ttl);
    }

    private boolean remove(String flag, boolean ownOnly) {
        FlagRecord.requireName(flag);
        ensureOpen();
        FlagRecord.Removal[] outcome = {FlagRecord.Removal.KEEP};
        flags.computeIfPresent(flag, (k, r) -> {
            outcome[0] = r.removal(owner, ownOnly, clock.instant());
            return outcome[0].deletes() ? null : r;
        });
        return outcome[0] == FlagRecord.Removal.CLEAR;
    }

    private boolean live(FlagRecord r) {
        return r != null && !r.expiredAt(clock.instant());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("local status manager is closed");
        }
    }
}
