package io.holdfast.lock.testkit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to start: the topology kind, a name for its directories, an optional password and extra
 * {@code redis.conf} lines for the data nodes. Immutable and thread-safe; built by
 * {@link #standalone()}, {@link #sentinel()} or {@link #cluster()}.
 *
 * <pre>{@code
 * RedisTopologySpec spec = RedisTopologySpec.standalone()
 *         .name("aof")
 *         .serverArg("appendonly", "yes")
 *         .serverArg("appendfsync", "always")
 *         .build();
 * }</pre>
 */
public final class RedisTopologySpec {

    /** Time a node gets to answer PING after its process started: 10s. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(10);
    /** Time without a PING reply after which a Sentinel deems a node down: 1s (the failover trigger). */
    public static final Duration DEFAULT_SENTINEL_DOWN_AFTER = Duration.ofSeconds(1);
    /** Master name the Sentinels monitor. */
    public static final String SENTINEL_MASTER_NAME = "holdfast";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,40}");
    private static final Pattern DIRECTIVE = Pattern.compile("[a-z][a-z0-9-]*");
    /** Directives the kit writes itself; overriding them would break ports, logs or cleanup. */
    private static final Set<String> MANAGED = Set.of("port", "bind", "dir", "logfile", "daemonize", "pidfile",
            "cluster-enabled", "cluster-port", "cluster-config-file", "replicaof", "slaveof", "requirepass",
            "masterauth", "include");

    private final RedisTopology.Kind kind;
    private final String name;
    private final String password;
    private final List<String> configLines;
    private final Duration startupTimeout;
    private final Duration sentinelDownAfter;

    private RedisTopologySpec(Builder builder) {
        this.kind = builder.kind;
        this.name = builder.name == null ? kind.name().toLowerCase(java.util.Locale.ROOT) : builder.name;
        this.password = builder.password;
        this.configLines = List.copyOf(builder.configLines);
        this.startupTimeout = builder.startupTimeout;
        this.sentinelDownAfter = builder.sentinelDownAfter;
    }

    /** A builder for one standalone server. */
    public static Builder standalone() {
        return new Builder(RedisTopology.Kind.STANDALONE);
    }

    /** A builder for a primary, one replica and three Sentinels monitoring {@value #SENTINEL_MASTER_NAME}. */
    public static Builder sentinel() {
        return new Builder(RedisTopology.Kind.SENTINEL);
    }

    /** A builder for a Cluster of three primaries covering all 16384 slots. */
    public static Builder cluster() {
        return new Builder(RedisTopology.Kind.CLUSTER);
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(RedisTopologySpec base) {
        Objects.requireNonNull(base, "base");
        Builder builder = new Builder(base.kind);
        builder.name = base.name;
        builder.password = base.password;
        builder.configLines.addAll(base.configLines);
        builder.startupTimeout = base.startupTimeout;
        builder.sentinelDownAfter = base.sentinelDownAfter;
        return builder;
    }

    /** The topology kind. */
    public RedisTopology.Kind kind() {
        return kind;
    }

    /** The name used in directory names under {@code target/redis-testkit}. */
    public String name() {
        return name;
    }

    /** The password data nodes require, if any. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** Extra {@code redis.conf} lines for data nodes (not Sentinels), in order. */
    public List<String> configLines() {
        return configLines;
    }

    /** How long each node may take to answer PING. */
    public Duration startupTimeout() {
        return startupTimeout;
    }

    /** Sentinel {@code down-after-milliseconds} (Sentinel topology only). */
    public Duration sentinelDownAfter() {
        return sentinelDownAfter;
    }

    @Override
    public String toString() {
        return "RedisTopologySpec[" + kind + " '" + name + "'" + (password == null ? "" : ", password set")
                + ", config " + configLines + ", startup timeout " + startupTimeout
                + (kind == RedisTopology.Kind.SENTINEL ? ", down after " + sentinelDownAfter : "") + "]";
    }

    /** Builds a {@link RedisTopologySpec}; validates every value as it is set. Not thread-safe. */
    public static final class Builder {
        private final RedisTopology.Kind kind;
        private final List<String> configLines = new ArrayList<>();
        private String name;
        private String password;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Duration sentinelDownAfter = DEFAULT_SENTINEL_DOWN_AFTER;

        private Builder(RedisTopology.Kind kind) {
            this.kind = kind;
        }

        /**
         * Names the topology's directories ({@code target/redis-testkit/<name>-<port>}).
         *
         * @throws IllegalArgumentException unless 1-40 letters, digits, '.', '_' or '-'
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "name must be 1-40 letters, digits, '.', '_' or '-', but was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Makes data nodes require {@code password} ({@code requirepass}, plus {@code masterauth} and
         * Sentinel {@code auth-pass}); URIs and {@link RedisNode#cli} then carry it.
         *
         * @throws IllegalArgumentException if empty or containing whitespace
         */
        public Builder password(String password) {
            Objects.requireNonNull(password, "password");
            if (password.isEmpty() || password.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("password must be non-empty without whitespace");
            }
            this.password = password;
            return this;
        }

        /**
         * Appends the config line {@code directive value...} for data nodes, e.g.
         * {@code serverArg("appendonly", "yes")} or {@code serverArg("user", "app", "on", ">pw", "~*", "+@all")}.
         * Values are quoted when empty or containing blanks. Later lines win for single-valued directives.
         *
         * @throws IllegalArgumentException for a malformed directive, or one the kit manages
         *     ({@code port}, {@code dir}, {@code logfile}, {@code requirepass} (use {@link #password}) ...)
         */
        public Builder serverArg(String directive, String... values) {
            Objects.requireNonNull(directive, "directive");
            Objects.requireNonNull(values, "values");
            if (!DIRECTIVE.matcher(directive).matches()) {
                throw new IllegalArgumentException("directive must be a lower-case redis.conf keyword, but was '"
                        + directive + "'");
            }
            if (MANAGED.contains(directive)) {
                throw new IllegalArgumentException("directive '" + directive + "' is managed by the test kit"
                        + ("requirepass".equals(directive) ? "; use password(...)" : ""));
            }
            StringBuilder line = new StringBuilder(directive);
            for (String value : values) {
                line.append(' ').append(quote(Objects.requireNonNull(value, "value")));
            }
            configLines.add(line.toString());
            return this;
        }

        /**
         * Sets how long each node may take to answer PING after start (default {@link #DEFAULT_STARTUP_TIMEOUT}).
         *
         * @throws IllegalArgumentException if under 1s
         */
        public Builder startupTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("startupTimeout must be at least 1s, but was " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Sets how long a primary may leave PINGs unanswered before Sentinels fail it over (default
         * {@link #DEFAULT_SENTINEL_DOWN_AFTER}). Sentinels PING every second, so 1s reacts to a single late
         * reply: on a loaded machine a longer value avoids failovers nobody asked for.
         *
         * @throws IllegalArgumentException if under 100ms
         * @throws IllegalStateException unless this builds a Sentinel topology
         */
        public Builder sentinelDownAfter(Duration downAfter) {
            Objects.requireNonNull(downAfter, "downAfter");
            if (kind != RedisTopology.Kind.SENTINEL) {
                throw new IllegalStateException("sentinelDownAfter applies to SENTINEL topologies, not " + kind);
            }
            if (downAfter.compareTo(Duration.ofMillis(100)) < 0) {
                throw new IllegalArgumentException("sentinelDownAfter must be at least 100ms, but was " + downAfter);
            }
            this.sentinelDownAfter = downAfter;
            return this;
        }

        /** The immutable spec. */
        public RedisTopologySpec build() {
            return new RedisTopologySpec(this);
        }

        /** Builds the spec and starts it: shorthand for {@code RedisTopology.start(build())}. */
        public RedisTopology start() {
            return RedisTopology.start(build());
        }
    }

    /** Quotes a redis.conf value the way sdssplitargs reads it back. */
    static String quote(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\'' || c == '\\')) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"';
    }
}
