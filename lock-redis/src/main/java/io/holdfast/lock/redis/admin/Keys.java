package io.holdfast.lock.redis.admin;

import io.holdfast.lock.internal.NameCodec;
import io.holdfast.lock.redis.internal.KeyLayout;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Maps between resource names and the lock keys {@link KeyLayout} writes,
 * {@code <ns>:{<encoded name>}:lock|fence|queue|queue-expiry|readers}: the SCAN pattern of a
 * namespace's lock keys, and the name back from a key.
 */
final class Keys {

    private static final String LOCK = "lock";
    /** A hashed name: {@code ~} and 64 hex digits ({@link NameCodec#encode} of a long name). */
    private static final Pattern HASHED = Pattern.compile("~[0-9a-f]{64}");
    /** The start-up probe's lock, never a resource ({@code ~} is always escaped in names). */
    private static final String PROBE = "~probe";

    private final String namespace;
    private final KeyLayout layout;

    Keys(String namespace) {
        this.namespace = namespace;
        this.layout = new KeyLayout(namespace);
    }

    KeyLayout layout() {
        return layout;
    }

    /** SCAN MATCH pattern of every lock key of the namespace. */
    String lockPattern() {
        return escapeGlob(namespace) + ":{*}:" + LOCK;
    }

    /**
     * The resource name of a lock key (decoded; a hashed name as stored), or empty for a key that
     * is not a resource's lock (the probe).
     */
    Optional<String> name(String lockKey) {
        String enc = lockKey.substring(namespace.length() + 2, lockKey.length() - LOCK.length() - 2);
        if (enc.equals(PROBE)) {
            return Optional.empty();
        }
        return Optional.of(NameCodec.decode(enc).orElse(enc));
    }

    /**
     * The keys of a listed name: a hashed name ({@code ~<sha-256>}, as {@link #name} shows it)
     * addresses its stored keys directly; every other name is encoded as the library does.
     */
    KeyLayout.LockKeys lock(String name) {
        if (!HASHED.matcher(name).matches()) {
            return layout.lock(name);
        }
        String prefix = namespace + ":{" + name + "}:";
        return new KeyLayout.LockKeys(prefix + LOCK, prefix + "fence", prefix + "queue",
                prefix + "queue-expiry", prefix + "readers");
    }

    /** Escapes Redis glob characters. */
    static String escapeGlob(String s) {
        StringBuilder b = new StringBuilder(s.length() + 4);
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
