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
     * The launcher of this JVM.
     *
     * @throws IllegalStateException naming what to install when none works
     */
    static Launcher get() {
        return Holder.INSTANCE;
    }

    /** Lazily selects the launcher, so a missing Testcontainers jar matters only when containers are asked for. */
    final class Holder {
        private static final Launcher INSTANCE = select(
                System.getProperty("holdfast.testkit.redis.launcher", "auto").toLowerCase(Locale.ROOT));

        private Holder() {
        }

        static Launcher select(String mode) {
            switch (mode) {
                case "process":
                    Redis.requireInstalled();
                    return new LocalLauncher();
                case "container":
                    if (!Redis.isDockerAvailable()) {
                        throw new IllegalStateException("holdfast.testkit.redis.launcher=container, but no Docker "
                                + "engine is available (or org.testcontainers:testcontainers is not on the class path)");
                    }
                    return new ContainerLauncher();
                case "auto":
                    if (Redis.isInstalled()) {
                        return new LocalLauncher();
                    }
                    if (Redis.isDockerAvailable()) {
                        return new ContainerLauncher();
                    }
                    Redis.requireInstalled();
                    throw new AssertionError("unreachable");
                default:
                    throw new IllegalStateException("holdfast.testkit.redis.launcher must be auto, process or "
                            + "container, but was '" + mode + "'");
            }
        }
    }
}
