package io.holdfast.lock.testkit.redis;

import io.holdfast.lock.internal.NameCodec;
import java.util.Objects;

/**
 * The Redis key of a holdfast lock, as lock-redis lays it out: {@code <namespace>:{<encoded
 * resource>}:lock}, the resource encoded with {@link NameCodec#KEY_SAFE} and hashed past 200
 * characters. The examples module's lost-lease test checks this against the real backend.
 */
final class LockKeys {

    /** lock-redis's default namespace. */
    static final String DEFAULT_NAMESPACE = "holdfast";
    /** lock-redis's longest readable encoded name (longer ones are hashed). */
    private static final int MAX_ENCODED = 200;

    private LockKeys() {
    }

    /** The key holding the current holder of {@code resource}. */
    static String lockKey(String namespace, String resource) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(resource, "resource");
        return namespace + ":{" + NameCodec.encode(resource, NameCodec.KEY_SAFE, MAX_ENCODED) + "}:lock";
    }
}
