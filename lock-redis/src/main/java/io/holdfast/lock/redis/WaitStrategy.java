package io.holdfast.lock.redis;

/**
 * How a thread queued for a busy Redis lock learns that a release handed the lock to it. Either
 * way waiters queue in Redis in order of arrival and the release hands the lock over.
 */
public enum WaitStrategy {

    /**
     * The release publishes the grant, with the fencing token, on the waiter's manager channel
     * (one subscription per manager, over one shared pub/sub connection); the waiter's queue
     * refresh every second finds a grant whose message was lost. The default.
     */
    PUBSUB,

    /**
     * No pub/sub: the waiter refreshes its queue entry with jittered exponential backoff (10 ms up
     * to the refresh period) and finds the grant there. For managed Redis services that restrict
     * or meter pub/sub.
     */
    POLL
}
