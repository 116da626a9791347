package io.holdfast.lock.testkit.redis;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Locating the Redis binaries, the config lines every node shares, and polling. */
final class Redis {

    static final String SERVER = find("redis-server");
    static final String CLI = find("redis-cli");

    private Redis() {
    }

    private static String find(String binary) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                File candidate = new File(entry, binary);
                if (candidate.canExecute()) {
                    return candidate.getAbsolutePath();
                }
            }
        }
        return binary;
    }

    /** True when {@code redis-server} and {@code redis-cli} are on the PATH. */
    static boolean isInstalled() {
        return new File(SERVER).isAbsolute() && new File(CLI).isAbsolute();
    }

    /** True when Testcontainers is on the class path and finds a Docker engine. */
    static boolean isDockerAvailable() {
        if (!hasTestcontainers()) {
            return false;
        }
        try {
            return ContainerLauncher.dockerAvailable();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** True when Testcontainers is on the class path. */
    static boolean hasTestcontainers() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, Redis.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The Testcontainers artifact, for messages. */
    static final String TESTCONTAINERS = "org.testcontainers:testcontainers";

    /** How to install the binaries. */
    static final String INSTALL = "install them (Debian/Ubuntu: 'apt-get install redis-server'; Fedora:"
            + " 'dnf install redis'; macOS: 'brew install redis') or put them on the PATH";

    /** Which of redis-server and redis-cli were not found, and where they were looked for. */
    static String missingBinaries() {
        List<String> missing = new ArrayList<>();
        if (!new File(SERVER).isAbsolute()) {
            missing.add("redis-server");
        }
        if (!new File(CLI).isAbsolute()) {
            missing.add("redis-cli");
        }
        return String.join(" and ", missing) + (missing.size() == 1 ? " is" : " are") + " not on the PATH ("
                + System.getenv("PATH") + ")";
    }

    /**
     * Why no Redis can be started: the binaries are missing and there is no Docker engine through
     * Testcontainers; suggests Docker only when Testcontainers is on the class path.
     */
    static String noRedisMessage(boolean testcontainers) {
        String start = "holdfast's lock-testkit starts Redis for tests from the local redis-server and"
                + " redis-cli binaries, but " + missingBinaries() + ": " + INSTALL;
        return testcontainers
                ? start + "; or start a Docker engine (Testcontainers is on the class path, but finds no Docker)"
                : start + ". (With " + TESTCONTAINERS + " on the test class path and a Docker engine, the kit"
                        + " runs Redis in containers instead.)";
    }

    /** The config lines of every node: loopback only, foreground, files in {@code dir}. */
    static String baseConfig(int port, Path dir) {
        return "port " + port + "\n"
                + "bind 127.0.0.1\n"
                + "daemonize no\n"
                + "dir " + RedisTopologySpec.quote(dir.toString()) + "\n"
                + "logfile " + RedisTopologySpec.quote(dir.resolve("redis.log").toString()) + "\n";
    }

    /** The config of a data node: no persistence unless {@code spec} asks for it, then the spec's lines. */
    static String dataConfig(int port, Path dir, RedisTopologySpec spec, String extra) {
        StringBuilder config = new StringBuilder(baseConfig(port, dir))
                .append("save \"\"\n")
                .append("appendonly no\n")
                // Replicas sync at once instead of after the default 5s wait for more replicas.
                .append("repl-diskless-sync-delay 0\n");
        spec.password().ifPresent(pw -> config.append("requirepass ").append(RedisTopologySpec.quote(pw))
                .append("\nmasterauth ").append(RedisTopologySpec.quote(pw)).append('\n'));
        config.append(extra);
        for (String line : spec.configLines()) {
            config.append(line).append('\n');
        }
        return config.toString();
    }

    /**
     * Polls {@code probe} every 50ms until it returns a present value, and returns it.
     *
     * @throws IllegalStateException after {@code timeout}, with {@code what} and the last probe failure
     */
    static <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException lastFailure = null;
        while (true) {
            try {
                Optional<T> value = probe.get();
                if (value.isPresent()) {
                    return value.get();
                }
            } catch (RuntimeException e) {
                lastFailure = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what
                        + (lastFailure == null ? "" : "; last error: " + lastFailure.getMessage()), lastFailure);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
