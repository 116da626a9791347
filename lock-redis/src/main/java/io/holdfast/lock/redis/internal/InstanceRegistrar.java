package io.holdfast.lock.redis.internal;

import io.lettuce.core.ScriptOutputType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers one manager under its owner id so that operators see {@code host:pid app} instead of
 * a random id: the hash {@code <ns>:instance:<ownerId>} holds the fields below, with a TTL of one
 * lease, rewritten (fields and TTL in one script) every lease/3 by a daemon thread, and deleted on
 * close. A process that dies leaves it for at most one lease. Registration is advisory: a failure
 * is logged, never fails the manager. The owner id is logged once, at INFO, so that logs and the
 * CLI can be matched.
 *
 * <p>Today each manager registers itself (a lock manager and a status manager of one service
 * have different owner ids); once one Redis root serves both (the structure issue), the root
 * registers once and both use its id.
 */
public final class InstanceRegistrar implements AutoCloseable {

    /** Host name field. */
    public static final String HOST = "host";
    /** Process id field. */
    public static final String PID = "pid";
    /** Process start (epoch ms) field. */
    public static final String STARTED = "started";
    /** holdfast version field. */
    public static final String VERSION = "version";
    /** Backend field ({@code redis}). */
    public static final String BACKEND = "backend";
    /** Application name field. */
    public static final String APP = "app";
    /** Role field: {@code locks} or {@code flags}. */
    public static final String ROLE = "role";
    /** The variable naming the application in the registration; else the main class or jar. */
    public static final String APP_VARIABLE = "LOCK_APP_NAME";

    private static final Logger LOG = LoggerFactory.getLogger(InstanceRegistrar.class);
    /** HSET the fields in ARGV[2..] and set the TTL ARGV[1] in one step: never a key without TTL. */
    private static final String REGISTER =
            "redis.call('hset', KEYS[1], unpack(ARGV, 2)) return redis.call('pexpire', KEYS[1], ARGV[1])";

    private final RedisBackend backend;
    private final String key;
    private final String[] argv;
    private final ScheduledExecutorService timer;
    private volatile boolean warned;

    private InstanceRegistrar(RedisBackend backend, String ownerId, String role) {
        this.backend = backend;
        this.key = key(backend.settings().namespace(), ownerId);
        Duration lease = backend.settings().lease();
        Map<String, String> fields = describeThisProcess(role);
        List<String> args = new ArrayList<>();
        args.add(Long.toString(lease.toMillis()));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        this.argv = args.toArray(String[]::new);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "holdfast-redis-instance-" + ownerId.substring(0, 8));
            t.setDaemon(true);
            return t;
        });
        LOG.info("holdfast instance {} ({}:{} {}, {}) registers as {}", ownerId, fields.get(HOST),
                fields.get(PID), fields.get(APP), role, key);
    }

    /**
     * Registers manager {@code ownerId} now (waiting up to the command timeout) and keeps the
     * registration alive until {@link #close()}.
     *
     * @param role {@code locks} or {@code flags}
     */
    public static InstanceRegistrar start(RedisBackend backend, String ownerId, String role) {
        InstanceRegistrar r = new InstanceRegistrar(backend, ownerId, role);
        r.refresh(true);
        long every = LeaseTiming.of(backend.settings().lease()).renewalPeriod().toNanos();
        r.timer.scheduleWithFixedDelay(() -> r.refresh(false), every, every, TimeUnit.NANOSECONDS);
        return r;
    }

    /** The registration key of manager {@code ownerId} in {@code namespace}. */
    public static String key(String namespace, String ownerId) {
        return prefix(namespace) + ownerId;
    }

    /** What every registration key of {@code namespace} starts with. */
    public static String prefix(String namespace) {
        return namespace + ":instance:";
    }

    private void refresh(boolean wait) {
        try {
            var reply = backend.commands().<Long>eval(REGISTER, ScriptOutputType.INTEGER,
                    new String[] {key}, argv);
            if (wait) {
                reply.toCompletableFuture().get(backend.settings().timeout().toMillis(),
                        TimeUnit.MILLISECONDS);
            } else {
                reply.whenComplete((v, e) -> {
                    if (e != null) {
                        failed(e);
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failed(e);
        }
    }

    private void failed(Throwable e) {
        if (!warned) {
            warned = true;
            LOG.warn("cannot register this instance at {} (operators will see its owner id"
                    + " only): {}", key, Failures.explain(e));
        } else {
            LOG.debug("refreshing instance registration {} failed: {}", key, Failures.explain(e));
        }
    }

    /** Stops refreshing and deletes the registration (without waiting for the reply). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            backend.commands().del(key);
        } catch (RuntimeException e) {
            LOG.debug("deleting instance registration {} failed (it expires): {}", key,
                    Failures.explain(e));
        }
    }

    /** The fields describing this process. */
    static Map<String, String> describeThisProcess(String role) {
        ProcessHandle self = ProcessHandle.current();
        Map<String, String> f = new LinkedHashMap<>();
        f.put(HOST, hostName());
        f.put(PID, Long.toString(self.pid()));
        f.put(STARTED, self.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse(""));
        String version = InstanceRegistrar.class.getPackage().getImplementationVersion();
        f.put(VERSION, version == null ? "unknown" : version);
        f.put(BACKEND, "redis");
        f.put(APP, appName());
        f.put(ROLE, role);
        return f;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** {@code LOCK_APP_NAME}, else the main class's simple name or the jar's file name. */
    private static String appName() {
        String app = System.getenv(APP_VARIABLE);
        if (app != null && !app.isBlank()) {
            return app.trim();
        }
        String command = System.getProperty("sun.java.command", "").trim();
        if (command.isEmpty()) {
            return "";
        }
        String main = command.split("\\s+", 2)[0];
        int slash = Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\'));
        if (slash >= 0) {
            return main.substring(slash + 1);
        }
        return main.endsWith(".jar") ? main : main.substring(main.lastIndexOf('.') + 1);
    }
}
