package io.holdfast.lock.testkit.redis;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Starts redis-server processes and runs redis-cli. Chosen once per JVM by the system property
 * {@code holdfast.testkit.redis.launcher}: {@code process} (local binaries), {@code container}
 * (Testcontainers, {@code redis:7}, host network) or {@code auto} (default: local binaries when
 * installed, else containers when a Docker engine is available).
 */
interface Launcher {

    /** Starts {@code redis-server <config> [--sentinel]} in {@code dir}, output appended to {@code output}. */
    Server launch(Path dir, Path config, boolean sentinel, Path output);

    /**
     * Runs redis-cli with {@code args} (near {@code via} when the binary lives in a container) and returns its
     * trimmed output.
     *
     * @throws IllegalStateException if it cannot run, exits non-zero or outlives {@code timeoutSeconds}
     */
    String cli(Server via, List<String> args, long timeoutSeconds);

    /**
     * The launcher of this JVM, chosen at the first call. When none works the same
     * {@link IllegalStateException} (naming what to install) is thrown at every call, in every
     * test class, not only in the first one.
     *
     * @throws IllegalStateException naming what to install when none works
     */
    static Launcher get() {
        return Holder.get();
    }

    /** Selects the launcher once per JVM and remembers the choice, or why there is none. */
    final class Holder {
        private static Launcher chosen;
        private static IllegalStateException failure;

        private Holder() {
        }

        static synchronized Launcher get() {
            if (chosen == null && failure == null) {
                try {
                    chosen = select(System.getProperty("holdfast.testkit.redis.launcher", "auto")
                            .toLowerCase(Locale.ROOT));
                } catch (IllegalStateException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw new IllegalStateException(failure.getMessage(), failure);
            }
            return chosen;
        }

        static Launcher select(String mode) {
            switch (mode) {
                case "process":
                    if (!Redis.isInstalled()) {
                        throw new IllegalStateException("holdfast.testkit.redis.launcher=process, but "
                                + Redis.missingBinaries() + ": " + Redis.INSTALL);
                    }
                    return new LocalLauncher();
                case "container":
                    if (!Redis.hasTestcontainers()) {
                        throw new IllegalStateException("holdfast.testkit.redis.launcher=container needs "
                                + Redis.TESTCONTAINERS + " on the test class path");
                    }
                    if (!Redis.isDockerAvailable()) {
                        throw new IllegalStateException("holdfast.testkit.redis.launcher=container, but "
                                + "Testcontainers finds no Docker engine: start Docker");
                    }
                    return new ContainerLauncher();
                case "auto":
                    if (Redis.isInstalled()) {
                        return new LocalLauncher();
                    }
                    if (Redis.isDockerAvailable()) {
                        return new ContainerLauncher();
                    }
                    throw new IllegalStateException(Redis.noRedisMessage(Redis.hasTestcontainers()));
                default:
                    throw new IllegalStateException("holdfast.testkit.redis.launcher must be auto, process or "
                            + "container, but was '" + mode + "'");
            }
        }
    }
}
