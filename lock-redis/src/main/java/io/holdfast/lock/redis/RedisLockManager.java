package io.holdfast.lock.redis;

import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.LockMetrics;
import io.holdfast.lock.redis.internal.CommandRunner;
import io.holdfast.lock.redis.internal.Failures;
import io.holdfast.lock.redis.internal.GrantNotifications;
import io.holdfast.lock.redis.internal.InstanceRegistrar;
import io.holdfast.lock.redis.internal.KeyLayout;
import io.holdfast.lock.redis.internal.LockProtocol;
import io.holdfast.lock.redis.internal.OwnerValue;
import io.holdfast.lock.redis.internal.RedisBackend;
import io.holdfast.lock.redis.internal.RedisGrant;
import io.holdfast.lock.redis.internal.Renewer;
import io.holdfast.lock.redis.internal.WaitStats;
import io.holdfast.lock.redis.internal.Waiter;
import io.holdfast.lock.spi.ComposedLockManager;
import io.holdfast.lock.spi.LockBackend;
import io.holdfast.lock.spi.LockContext;
import io.holdfast.lock.spi.LockMode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link io.holdfast.lock.LockManager} on Redis (standalone, Sentinel or Cluster) through
 * Lettuce.
 *
 * <p>Acquire and release are one script round trip each; by default a release does not wait for
 * its reply (see {@link RedisLockSettings.Builder#waitForRelease}), yet is ordered before every
 * command the manager sends after it. Every grant carries a fencing token:
 * the larger of the previous token + 1 and the server's clock in microseconds, so tokens keep
 * increasing even when Redis loses its data (a restart without persistence, a replica promoted
 * before it received the latest grants), unless the server clock steps back (or a promoted
 * replica's clock is behind the old primary's by more than the time since the last grant). Needs
 * Redis 6.2 or later. Held leases are renewed every lease/3 by one thread
 * per manager; a lease whose renewal cannot be confirmed in time is reported lost. Waiters queue
 * in Redis in order of arrival (one queue per lock, entries refreshed every second); a release
 * hands the lock to the oldest live waiter in the same script and tells only that waiter's
 * process, on its manager's pub/sub channel, with the fencing token (or the waiter polls, see
 * {@link WaitStrategy}): one process wakes per release, already holding the lock, and a busy
 * process cannot keep re-taking it. A lease released while another
 * thread of this JVM waits for it passes straight to that thread, with the next fencing token
 * and no Redis round trip, up to {@link RedisLockSettings.Builder#localHandoffs} times in a row
 * (each Redis grant reserves {@value RedisLockSettings#MAX_LOCAL_HANDOFFS} tokens after its own;
 * {@link #inspect} from another process shows the Redis grant's token). Managers with the same
 * namespace on the same Redis share locks, across processes. Thread-safe; close it to release its
 * connections and threads.
 *
 * <p>What it does not guarantee: a lock survives a failover only if the key reached the replica
 * (see {@link RedisLockSettings.Builder#replicaAcks}), and a restart without persistence forgets
 * every lock. Fencing tokens let the protected resource reject a holder that lost its lease.
 */
public final class RedisLockManager extends ComposedLockManager {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLockManager.class);

    private final LockContext<RedisGrant> context;
    private final RedisBackend backend;
    private final KeyLayout layout;
    private final LockProtocol protocol;
    private final Renewer renewer;
    private final GrantNotifications notifications;
    private final Waiter waiter;
    private final int localHandoffs;
    private final boolean waitForRelease;
    private final LockMetrics metrics;
    /** Tells operators which process this owner id is (its locks and, when shared, its flags). */
    private final InstanceRegistrar registrar;

    private RedisLockManager(RedisLockSettings settings, RedisBackend backend) {
        super("redis", false, settings.meterRegistry().orElse(null), Hooks::new);
        Hooks hooks = backend(Hooks.class);
        this.context = hooks.context;
        this.metrics = LockMetrics.from(context.metrics());
        this.backend = backend;
        this.layout = new KeyLayout(settings.namespace());
        this.localHandoffs = settings.localHandoffs();
        this.waitForRelease = settings.waitForRelease();
        CommandRunner runner = new CommandRunner(settings, backend.endpoint(), metrics);
        this.protocol = new LockProtocol(backend, runner, layout);
        this.notifications = settings.waitStrategy() == WaitStrategy.PUBSUB
                ? new GrantNotifications(backend::pubSub, layout.grantChannel(context.ownerId()),
                        metrics, settings.timeout().toNanos())
                : null;
        this.waiter = new Waiter(protocol, notifications,
                protocol.timing().queueRefresh().toNanos());
        this.renewer = new Renewer(context::activeGrants, backend, settings.lease(),
                settings.renewal(), metrics, g -> protocol.abandon(g.keys(), g.owner()));
        this.registrar = InstanceRegistrar.start(backend, context.ownerId(), "locks");
        hooks.bind(this);
        if (notifications != null) {
            notifications.start(); // off the first wait's path; a failure is retried by it
        }
    }

    /**
     * Connects to Redis and returns a manager. Checks that Redis answers and accepts the
     * credentials within the settings' timeout, and warns once if its eviction policy could
     * evict lock keys.
     *
     * @throws LockUnavailableException naming the endpoint (never a password) and the reason:
     *     connection refused, unknown host, authentication or TLS failure, a Sentinel URL that
     *     names a plain Redis, timeout
     * @throws IllegalStateException if {@link RedisLockSettings.Builder#replicaAcks} requires more
     *     acknowledgements than replicas are connected to the primary now (every grant would be
     *     undone and every acquire time out)
     */
    public static RedisLockManager create(RedisLockSettings settings) {
        Objects.requireNonNull(settings, "settings");
        RedisBackend backend = RedisBackend.open(settings);
        try {
            backend.requireReplicas();
            RedisLockManager manager = new RedisLockManager(settings, backend);
            LOG.info("redis lock manager connected: {}", settings);
            return manager;
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    /** Shorthand for {@code create(RedisLockSettings.of(uri))}. */
    public static RedisLockManager create(String uri) {
        return create(RedisLockSettings.of(uri));
    }

    /** The settings this manager runs with. */
    public RedisLockSettings settings() {
        return backend.settings();
    }

    private RedisGrant grant(String resource, boolean shared, long deadlineNanos)
            throws InterruptedException {
        KeyLayout.LockKeys keys = layout.lock(resource);
        while (true) {
            // one owner value per acquire attempt: retries and replays of it are idempotent
            String owner = protocol.newOwner(context.ownerId(), Thread.currentThread().getId());
            RedisGrant g;
            try {
                g = waiter.await(keys, owner, shared, deadlineNanos, (token, sent, claim) -> {
                    RedisGrant grant = new RedisGrant(resource, token, sent, claim
                            ? renewer.claimValidUntil(sent) : renewer.validUntil(sent), claim,
                            shared, keys, owner, context.lossReporter());
                    if (claim) {
                        renewer.confirmSoon(grant);
                    }
                    return grant;
                });
            } catch (InterruptedException | RuntimeException e) {
                // the last attempt may have taken the lock after all: give it back
                protocol.abandon(keys, owner);
                throw e;
            }
            if (g == null || !g.expiredAt(System.nanoTime())) {
                return g;
            }
            // born expired (a reply that came later than the lease): never hand out a lease that
            // may already be another owner's; give it back and try again while time is left
            LOG.debug("lock key {}: grant (token {}) arrived after its validity; trying again",
                    keys.lock(), g.fencingToken());
            g.startRelease();
            protocol.abandon(keys, owner);
            if (deadlineNanos - System.nanoTime() <= 0) {
                return null;
            }
        }
    }

    /**
     * Releases in Redis: without waiting for the reply (see
     * {@link RedisLockSettings.Builder#waitForRelease}) while the lease is known valid, else
     * waiting, so that a lease that may have ended is reported by its outcome.
     */
    private boolean revoke(RedisGrant grant) {
        grant.startRelease();
        if (!waitForRelease && !grant.expiredAt(System.nanoTime())) {
            protocol.releaseWithoutWaiting(grant.keys(), grant.owner(),
                    (released, failure) -> releaseEnded(grant, released, failure));
            return true;
        }
        LockProtocol.Release released;
        try {
            // retrying past the lease's validity is pointless: by then Redis frees it anyway
            released = protocol.release(grant.keys(), grant.owner(), grant.validUntilNanos());
        } catch (LockUnavailableException e) {
            throw new LockUnavailableException("lock '" + grant.resource() + "' (fencing token "
                    + grant.fencingToken() + ") could not be released; Redis frees it when its"
                    + " lease ends: " + e.getMessage(), e.getCause());
        }
        if (released == LockProtocol.Release.NOT_OURS) {
            grant.markLost("found at release: the lock key had expired or was taken over");
            return false;
        }
        return true;
    }

    /** The outcome of a release sent without waiting; runs on Lettuce's event loop. */
    private void releaseEnded(RedisGrant grant, LockProtocol.Release released, Throwable failure) {
        if (failure != null) {
            metrics.releaseFailed();
            LOG.warn("lock '{}' (fencing token {}) could not be released; Redis frees it when its"
                    + " lease ends: {}", grant.resource(), grant.fencingToken(),
                    Failures.explain(failure));
        } else if (released == LockProtocol.Release.NOT_OURS) {
            metrics.lost();
            LOG.warn("lease on lock '{}' (fencing token {}, thread {}) was found lost at release:"
                    + " the lock key had expired or was taken over before the holder released it",
                    grant.resource(), grant.fencingToken(), grant.thread().getName());
        }
    }

    /**
     * Hands a released lease to the next local waiter while the budget of consecutive handoffs
     * lasts and the lease is known valid for at least half of it more.
     */
    private boolean mayHandOn(RedisGrant grant) {
        return grant.handoffs() < localHandoffs && !grant.isReleasing() && !grant.isSharedHold()
                && protocol.timing().mayHandOn(grant.validUntilNanos(), System.nanoTime());
    }

    private RedisGrant inherit(RedisGrant handedOn) {
        return protocol.timing().mayHandOn(handedOn.validUntilNanos(), System.nanoTime())
                ? handedOn.handedOn(context.lossReporter()) : null;
    }

    private Optional<LockInfo> describe(String resource) {
        KeyLayout.LockKeys keys = layout.lock(resource);
        return protocol.inspect(keys).map(s -> {
            Optional<RedisGrant> local = context.localGrant(resource)
                    .filter(g -> g.owner().equals(s.ownerValue()));
            if (local.isPresent()) {
                RedisGrant g = local.get();
                return new LockInfo(resource, context.holderName(g.thread()), g.fencingToken(),
                        g.acquiredAt(), s.remaining());
            }
            Optional<OwnerValue> owner = OwnerValue.parse(s.owner())
                    .filter(o -> o.ownerId().length() >= 8);
            String holder = LockProtocol.SHARED_VALUE.equals(s.ownerValue()) ? "shared holders"
                    : owner.map(o -> o.ownerId().substring(0, 8) + "…/thread " + o.thread())
                            .orElse("unknown owner");
            Instant at = owner.map(OwnerValue::at).orElse(Instant.EPOCH);
            return new LockInfo(resource, holder, s.grantToken(), at, s.remaining());
        });
    }

    /** The holder (from {@code holder}), the endpoint, and missing replicas if not held. */
    private String timeoutDetail(String holder) {
        int acks = backend.settings().minReplicaAcks();
        String replicas = acks == 0 || !holder.isEmpty() ? ""
                : ", not held: grants need " + acks + " replica ack(s) within "
                        + backend.settings().replicaAckTimeout().toMillis() + "ms (LOCK_REPLICA_ACKS)"
                        + " and are undone with fewer; replicas connected now: "
                        + backend.replicasAttached().stream().mapToObj(String::valueOf).findFirst()
                                .orElse("unknown");
        return (holder.isEmpty() ? "" : holder + ", ") + "backend " + backend.endpoint() + replicas;
    }

    /** These connections, for a status manager that shares them; it closes its share. */
    RedisBackend shareBackend() {
        if (context.isClosed()) {
            throw new IllegalStateException("the lock manager is closed: create the status manager from an open one");
        }
        return backend.share();
    }

    /** The owner id, for a status manager that writes flags under it. */
    String sharedOwnerId() {
        return context.ownerId();
    }

    private void closeBackend() {
        int unconfirmed = protocol.flushReleases(backend.settings().timeout().toNanos());
        if (unconfirmed > 0) {
            LOG.warn("{} release(s) had no reply from {} within {}ms of close; Redis frees those"
                    + " locks when their leases end", unconfirmed, backend.endpoint(),
                    backend.settings().timeout().toMillis());
        }
        registrar.close();
        renewer.close();
        backend.close();
    }

    /** How waiters woke up and were granted: for tests and diagnostics. */
    WaitStats waitStats() {
        return waiter.stats();
    }

    /** Grant channels subscribed now (0 or 1): for tests. */
    int subscribedChannels() {
        return notifications == null ? 0 : notifications.subscribedChannels();
    }

    /**
     * The {@link LockBackend} this manager is composed of: each hook calls the manager's method
     * of the same name. Bound to the manager at the end of its constructor; no hook runs before
     * (the manager is not yet published).
     */
    private static final class Hooks implements LockBackend<RedisGrant> {
        final LockContext<RedisGrant> context;
        private volatile RedisLockManager manager;

        Hooks(LockContext<RedisGrant> context) {
            this.context = context;
        }

        void bind(RedisLockManager m) {
            manager = m;
        }

        @Override
        public RedisGrant grant(String resource, long deadlineNanos, LockMode mode)
                throws InterruptedException {
            return manager.grant(resource, mode == LockMode.SHARED, deadlineNanos);
        }

        /** Shared holds are entries of the lock's readers key (see ARCHITECTURE.md). */
        @Override
        public boolean supportsShared() {
            return true;
        }

        @Override
        public boolean revoke(RedisGrant grant) {
            return manager.revoke(grant);
        }

        @Override
        public boolean mayHandOn(RedisGrant grant) {
            return manager.mayHandOn(grant);
        }

        @Override
        public RedisGrant inherit(RedisGrant handedOn) {
            return manager.inherit(handedOn);
        }

        @Override
        public Optional<LockInfo> describe(String resource) {
            return manager.describe(resource);
        }

        @Override
        public String timeoutDetail(String resource) {
            return manager.timeoutDetail(LockBackend.super.timeoutDetail(resource));
        }

        @Override
        public void close() {
            RedisLockManager m = manager;
            if (m != null) {
                m.closeBackend();
            }
        }
    }
}
