package io.holdfast.lock.redis;

/** How a thread waiting for a busy Redis lock learns that it was released. */
public enum WaitStrategy {

    /**
     * Subscribe to the lock's release channel over one shared pub/sub connection; the releasing
     * holder publishes only when a waiter marked the lock. A jittered re-check, capped by the
     * holder's remaining lease, covers lost messages. The default.
     */
    PUBSUB,

    /**
     * Re-check with jittered exponential backoff, capped by the holder's remaining lease, and no
     * pub/sub: for managed Redis services that restrict or meter pub/sub.
     */
    POLL
}
