package io.holdfast.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code holdfast.*} properties. Each one, when set, wins over the environment variable it
 * stands for (see {@link EnvironmentMapping}); unset, the variable applies, and unset both, the
 * library's default. Relaxed binding applies: {@code holdfast.use-new-locks},
 * {@code HOLDFAST_USE_NEW_LOCKS} and {@code holdfast.useNewLocks} are one property.
 */
@ConfigurationProperties(prefix = "holdfast")
public class HoldfastProperties {

    /** Whether the starter configures holdfast at all. */
    private boolean enabled = true;

    /**
     * Which locks to use (USE_NEW_LOCKS): false = host-wide file locks and flags (the legacy
     * path), true = the new backend, dual = both, for a rollout. Also yes/no, on/off, 1/0.
     * Default false.
     */
    private String useNewLocks;

    /**
     * The new backend (LOCK_BACKEND): the name of any installed backend but file, such as redis
     * or local (in-process; does not coordinate processes). Default redis when a Redis URL is
     * set; without one, use-new-locks true or dual needs it.
     */
    private String backend;

    /**
     * Redis key namespace (LOCK_NAMESPACE): 1 to 64 printable ASCII characters without spaces or
     * braces. Default holdfast.
     */
    private String namespace;

    /** Redis lease (LOCK_LEASE), renewed every third of it while held. Default 30s. */
    private Duration lease;

    /** Replicas that must acknowledge a Redis grant (LOCK_REPLICA_ACKS). Default 0. */
    private Integer replicaAcks;

    /** How long to wait for the replicas (LOCK_REPLICA_TIMEOUT). Default 100ms. */
    private Duration replicaTimeout;

    /**
     * Directory of lock and flag files (LOCK_DIR). Default /var/lib/holdfast if it exists, else
     * holdfast-locks in the temp directory.
     */
    private String lockDir;

    private final Redis redis = new Redis();

    /** The {@code holdfast.redis.*} properties. */
    public static class Redis {

        /**
         * Where Redis is (REDIS_URL): redis://[user:password@]host[:port][/db], rediss://...,
         * redis-sentinel://host:26379,host2:26379#master, or comma-separated Cluster seeds.
         * Never logged with its password.
         */
        private String url;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getUseNewLocks() {
        return useNewLocks;
    }

    public void setUseNewLocks(String useNewLocks) {
        this.useNewLocks = useNewLocks;
    }

    public String getBackend() {
        return backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        this.lease = lease;
    }

    public Integer getReplicaAcks() {
        return replicaAcks;
    }

    public void setReplicaAcks(Integer replicaAcks) {
        this.replicaAcks = replicaAcks;
    }

    public Duration getReplicaTimeout() {
        return replicaTimeout;
    }

    public void setReplicaTimeout(Duration replicaTimeout) {
        this.replicaTimeout = replicaTimeout;
    }

    public String getLockDir() {
        return lockDir;
    }

    public void setLockDir(String lockDir) {
        this.lockDir = lockDir;
    }

    public Redis getRedis() {
        return redis;
    }
}
