package io.holdfast.lock.internal.env;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.StatusManager;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The status flags of {@code USE_NEW_LOCKS=dual}: writes go to both stores, a flag reads as set
 * if either store has it, and a claim ({@link #setIfAbsent}) succeeds only if both stores grant
 * it, so it excludes instances that use either store alone. This manager owns both and closes
 * them.
 */
public final class DualStatusManager implements StatusManager {

    private final StatusManager first;
    private final StatusManager second;
    private final String backend;

    private DualStatusManager(StatusManager first, StatusManager second) {
        this.first = first;
        this.second = second;
        this.backend = "dual(" + first.backend() + "+" + second.backend() + ")";
    }

    /** Composes two managers, claiming in {@code first} before {@code second}; owns both. */
    public static DualStatusManager of(StatusManager first, StatusManager second) {
        return new DualStatusManager(Objects.requireNonNull(first, "first"),
                Objects.requireNonNull(second, "second"));
    }

    @Override
    public void set(String flag, Duration ttl) {
        first.set(flag, ttl);
        second.set(flag, ttl);
    }

    /** Claims the flag in both stores; rolls back the first claim if the second is refused. */
    @Override
    public boolean setIfAbsent(String flag, Duration ttl) {
        if (!first.setIfAbsent(flag, ttl)) {
            return false;
        }
        boolean claimed = false;
        try {
            claimed = second.setIfAbsent(flag, ttl);
            return claimed;
        } finally {
            if (!claimed) {
                first.clear(flag);
            }
        }
    }

    @Override
    public boolean clear(String flag) {
        boolean cleared = second.clear(flag);
        return first.clear(flag) | cleared;
    }

    @Override
    public boolean forceClear(String flag) {
        boolean cleared = second.forceClear(flag);
        return first.forceClear(flag) | cleared;
    }

    @Override
    public boolean isSet(String flag) {
        return second.isSet(flag) || first.isSet(flag);
    }

    @Override
    public Optional<FlagInfo> get(String flag) {
        Optional<FlagInfo> info = second.get(flag);
        return info.isPresent() ? info : first.get(flag);
    }

    @Override
    public Set<String> list() {
        Set<String> all = new LinkedHashSet<>(first.list());
        all.addAll(second.list());
        return Collections.unmodifiableSet(all);
    }

    @Override
    public String backend() {
        return backend;
    }

    @Override
    public void close() {
        try {
            second.close();
        } finally {
            first.close();
        }
    }

    @Override
    public String toString() {
        return "StatusManager[" + backend + "]";
    }
}
