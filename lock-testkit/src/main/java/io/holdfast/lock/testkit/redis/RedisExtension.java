package io.holdfast.lock.testkit.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A JUnit 5 extension giving tests a fresh {@link RedisTopology}. Registered on a {@code static} field,
 * one topology serves the whole class, its {@code @Nested} classes included; on an instance field, each
 * test method gets its own. Processes are killed when the class (or method) ends, whether tests pass or
 * fail; when a test fails, the node logs' paths are printed to stderr.
 *
 * <pre>{@code
 * @RegisterExtension
 * static RedisExtension redis = RedisExtension.standalone();
 *
 * @Test
 * void works() {
 *     RedisClient client = RedisClient.create(redis.uri());
 * }
 * }</pre>
 *
 * Accessors throw {@link IllegalStateException} while no topology is running. When neither
 * {@code redis-server} nor a Docker engine (through Testcontainers) is available, every class using the
 * extension fails with an {@link IllegalStateException} that says what to install.
 */
public final class RedisExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, TestWatcher {

    private final RedisTopologySpec spec;
    private volatile RedisTopology topology;
    /** The unique id of the class that started {@link #topology}: its end, not a nested class's, closes it. */
    private volatile String owner;
    private volatile boolean perMethod;
    /** Kept after close so a failure reported after afterEach can still name the logs. */
    private volatile RedisTopology lastClosed;

    private RedisExtension(RedisTopologySpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /** An extension starting one standalone server. */
    public static RedisExtension standalone() {
        return of(RedisTopologySpec.standalone().build());
    }

    /** An extension starting a primary, one replica and three Sentinels. */
    public static RedisExtension sentinel() {
        return of(RedisTopologySpec.sentinel().build());
    }

    /** An extension starting a three-primary Cluster. */
    public static RedisExtension cluster() {
        return of(RedisTopologySpec.cluster().build());
    }

    /** An extension starting what {@code spec} describes (password, extra config lines...). */
    public static RedisExtension of(RedisTopologySpec spec) {
        return new RedisExtension(spec);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // JUnit calls this again for each @Nested class: they share the enclosing class's topology
        if (topology == null) {
            topology = RedisTopology.start(spec);
            owner = context.getUniqueId();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (topology == null) {
            perMethod = true;
            topology = RedisTopology.start(spec);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perMethod) {
            closeTopology();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(owner)) {
            owner = null;
            closeTopology();
        }
    }

    private void closeTopology() {
        RedisTopology running = topology;
        topology = null;
        if (running != null) {
            lastClosed = running;
            running.close();
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        RedisTopology running = topology;
        // After afterEach a per-method topology is closed, but its logs stay; report what we last ran.
        RedisTopology reported = running != null ? running : lastClosed;
        if (reported != null) {
            System.err.println("[redis-testkit] " + context.getDisplayName() + " failed; Redis logs of "
                    + reported + ":\n" + reported.describe());
        }
    }

    /** The running topology, for everything the shortcuts below do not cover. */
    public RedisTopology topology() {
        RedisTopology running = topology;
        if (running == null) {
            throw new IllegalStateException("no Redis is running: use the extension with @RegisterExtension "
                    + "and call it from tests or @BeforeEach/@BeforeAll methods");
        }
        return running;
    }

    /** See {@link RedisTopology#uri()}. */
    public String uri() {
        return topology().uri();
    }

    /** See {@link RedisTopology#clusterSeeds()}. */
    public List<String> clusterSeeds() {
        return topology().clusterSeeds();
    }

    /** See {@link RedisTopology#primary()}. */
    public RedisNode primary() {
        return topology().primary();
    }

    /** See {@link RedisTopology#replicas()}. */
    public List<RedisNode> replicas() {
        return topology().replicas();
    }

    /** See {@link RedisTopology#sentinels()}. */
    public List<RedisNode> sentinels() {
        return topology().sentinels();
    }

    /** See {@link RedisTopology#nodes()}. */
    public List<RedisNode> nodes() {
        return topology().nodes();
    }

    /** See {@link RedisTopology#awaitFailover(Duration)}. */
    public RedisNode awaitFailover(Duration timeout) {
        return topology().awaitFailover(timeout);
    }

    /** See {@link RedisTopology#nodeForKey(String)}. */
    public RedisNode nodeForKey(String key) {
        return topology().nodeForKey(key);
    }

    /** See {@link RedisTopology#breakLock(String)}. */
    public boolean breakLock(String resource) {
        return topology().breakLock(resource);
    }

    /** See {@link RedisTopology#breakLock(String, String)}. */
    public boolean breakLock(String namespace, String resource) {
        return topology().breakLock(namespace, resource);
    }

    /** The spec this extension starts. */
    public RedisTopologySpec spec() {
        return spec;
    }

    @Override
    public String toString() {
        return "RedisExtension[" + Optional.ofNullable(topology).map(Object::toString).orElse(spec.toString()) + "]";
    }
}
