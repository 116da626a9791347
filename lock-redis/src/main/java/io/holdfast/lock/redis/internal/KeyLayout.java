package io.holdfast.lock.redis.internal;

import io.holdfast.lock.internal.NameCodec;

/**
 * The key layout of one namespace. A resource's lock key {@code <ns>:{<enc>}:lock}, fence key
 * {@code <ns>:{<enc>}:fence}, wait queue {@code <ns>:{<enc>}:queue}, queue expiries
 * {@code <ns>:{<enc>}:queue-expiry} and shared holders {@code <ns>:{<enc>}:readers} share the hash tag {@code {<enc>}}, so they live in one
 * Cluster slot; a flag lives at {@code <ns>:flag:{<enc>}}; a release hands the lock to a waiter by
 * publishing on the waiter's manager channel {@code <ns>:granted:<ownerId>}.
 * {@code <enc>} is {@link NameCodec#encode} with {@link NameCodec#KEY_SAFE}: injective, free of
 * braces, and hashed ({@code ~} + SHA-256) when longer than {@value #MAX_ENCODED}, so no name can
 * break out of the tag or collide with another.
 */
public final class KeyLayout {

    /** Ends a lock's hash tag and starts the suffix that names one of its keys. */
    private static final String TAG_END = "}:";
    private static final String LOCK = "lock";

    /** Longest encoded name kept readable; longer ones are hashed. */
    static final int MAX_ENCODED = 200;
    /** Slots of the recent-keys cache (a power of two). */
    static final int CACHED = 64;

    private final String namespace;
    /**
     * The keys of recently used resources, one slot per hash of the name: a resource locked
     * again finds its keys without encoding its name and building five key strings (10 % of a
     * caller's bytes per cycle in the S1 allocation profile). Bounded (at most {@value #CACHED}
     * entries, overwritten by any other name of the same slot), so no state grows with the number
     * of names. Racy by design: entries are immutable, a lost write only costs a rebuild.
     */
    private final Cached[] recent = new Cached[CACHED];

    private record Cached(String resource, LockKeys keys) {}

    /** The layout for {@code namespace} (already validated: no braces, no spaces). */
    public KeyLayout(String namespace) {
        this.namespace = namespace;
    }

    /** The keys of one lock. */
    public LockKeys lock(String resource) {
        int slot = resource.hashCode() & (CACHED - 1);
        Cached c = recent[slot];
        if (c != null && c.resource.equals(resource)) {
            return c.keys;
        }
        LockKeys keys = keys(namespace + ":{" + NameCodec.encode(resource, NameCodec.KEY_SAFE,
                MAX_ENCODED) + TAG_END);
        recent[slot] = new Cached(resource, keys);
        return keys;
    }

    private static LockKeys keys(String prefix) {
        return new LockKeys(prefix + LOCK, prefix + "fence", prefix + "queue",
                prefix + "queue-expiry", prefix + "readers");
    }

    /**
     * The lock key of the lock that {@code key} belongs to: any key of a lock's hash tag
     * ({@code <ns>:{<enc>}:<suffix>}) maps to {@code <ns>:{<enc>}:lock}; null for a key of no
     * lock (a flag key).
     */
    static String lockKeyOf(String key) {
        int tag = key.lastIndexOf(TAG_END);
        if (tag < 0) {
            return null;
        }
        String prefix = key.substring(0, tag + TAG_END.length());
        return key.length() == prefix.length() + LOCK.length() && key.endsWith(LOCK)
                ? key : prefix + LOCK;
    }

    /**
     * The keys of the probe lock run at start-up to check permissions: {@code <ns>:{~probe}:...};
     * no resource encodes to {@code ~probe} ({@code ~} is escaped, hashed names are hex).
     */
    public LockKeys probe() {
        return keys(namespace + ":{~probe}:");
    }

    /** The channel on which releases hand locks to the waiters of manager {@code ownerId}. */
    public String grantChannel(String ownerId) {
        return grantChannelPrefix() + ownerId;
    }

    /** What every manager's grant channel starts with (the scripts append the owner id). */
    public String grantChannelPrefix() {
        return namespace + ":granted:";
    }

    /** The key of a status flag. */
    public String flag(String flag) {
        return flagPrefix() + "{" + NameCodec.encode(flag, NameCodec.KEY_SAFE, MAX_ENCODED) + "}";
    }

    /** A SCAN MATCH pattern for every flag key of the namespace. */
    public String flagPattern() {
        return escapeGlob(flagPrefix()) + "\\{*";
    }

    private String flagPrefix() {
        return namespace + ":flag:";
    }

    private static String escapeGlob(String s) {
        StringBuilder b = new StringBuilder(s.length() + 4);
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /**
     * One lock's keys.
     *
     * @param lock the lock key (owner value, with the lease as its TTL)
     * @param fence the fencing counter (never expires, so tokens keep increasing)
     * @param queue the waiting owners by arrival (exists only while someone waits)
     * @param queueExpiry when each queue entry dies unless its waiter refreshes it
     * @param readers the shared holders and when each one's entry dies (exists only while
     *     the lock is held shared)
     */
    public record LockKeys(String lock, String fence, String queue, String queueExpiry,
            String readers) {

        /** KEYS for the acquire and release scripts. */
        public String[] scriptKeys() {
            return new String[] {lock, fence, queue, queueExpiry, readers};
        }
    }
}
