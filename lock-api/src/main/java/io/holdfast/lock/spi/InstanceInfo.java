package io.holdfast.lock.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A running holdfast manager as an operator sees it: which process on which host holds or waits
 * under an owner id. Read by {@link LockAdmin}; for display and scripts.
 *
 * @param ownerId the manager's owner id, as found in lock and queue entries
 * @param host the host name the manager reported (or this host for the file backend)
 * @param pid the process id, when known
 * @param processStart when the process started, when known
 * @param version the holdfast version of the process, or {@code unknown}
 * @param backend the backend the manager runs: {@code redis}, {@code file}
 * @param app the application name ({@code LOCK_APP_NAME}, else the main class or jar), or empty
 * @param role what the manager does: {@code locks} or {@code flags}
 * @param expiresIn how long the registration lives unless refreshed, where it expires
 */
public record InstanceInfo(String ownerId, String host, OptionalLong pid,
        Optional<Instant> processStart, String version, String backend, String app, String role,
        Optional<Duration> expiresIn) {

    /** Checks that no component is null. */
    public InstanceInfo {
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(processStart, "processStart");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(expiresIn, "expiresIn");
    }

    /** {@code host:pid app}, the way an operator recognises a process. */
    public String describe() {
        String where = host + (pid.isPresent() ? ":" + pid.getAsLong() : "");
        return app.isEmpty() ? where : where + " " + app;
    }
}
