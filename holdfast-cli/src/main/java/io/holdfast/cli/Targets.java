package io.holdfast.cli;

import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.env.EnvSettings;
import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockBackendProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backends a service with these variables would open, as admins: resolved by
 * {@link EnvSettings} exactly as {@code LockService.fromEnvironment} resolves them, then each
 * backend's {@link LockBackendProvider#createAdmin}. The one place the CLI meets the environment
 * parsing (lock-api's, and each backend's own variables through its provider).
 */
final class Targets implements AutoCloseable {

    private final EnvSettings settings;
    private final List<LockAdmin> admins;
    private final List<String> without;

    private Targets(EnvSettings settings, List<LockAdmin> admins, List<String> without) {
        this.settings = settings;
        this.admins = admins;
        this.without = without;
    }

    /**
     * Parses {@code env} and opens an admin per backend (no connection yet).
     *
     * @param origins which option gave a variable its value, for messages
     * @throws CliException {@link ExitCodes#CONFIG} naming the variable when a value is invalid
     */
    static Targets open(Map<String, String> env, Map<String, String> origins) {
        EnvSettings settings;
        try {
            settings = EnvSettings.parse(env);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.CONFIG, withOrigins(e.getMessage(), origins));
        } catch (IllegalStateException e) {
            // a backend the variables choose is not on the class path
            throw new CliException(ExitCodes.CONFIG, e.getMessage());
        }
        List<LockAdmin> admins = new ArrayList<>();
        List<String> without = new ArrayList<>();
        try {
            for (LockBackendProvider p : settings.backends()) {
                String name = p.name();
                Optional<LockAdmin> admin;
                try {
                    admin = p.createAdmin(settings.config());
                } catch (IllegalArgumentException e) {
                    throw new CliException(ExitCodes.CONFIG, "the " + name + " backend rejects the"
                            + " settings (" + settings.summary() + "): "
                            + withOrigins(e.getMessage(), origins));
                }
                admin.ifPresentOrElse(admins::add, () -> without.add(name));
            }
        } catch (RuntimeException e) {
            admins.forEach(LockAdmin::close);
            throw e;
        }
        return new Targets(settings, admins, without);
    }

    private static String withOrigins(String message, Map<String, String> origins) {
        String m = message;
        for (Map.Entry<String, String> o : origins.entrySet()) {
            if (m.startsWith(o.getKey()) || m.contains(" " + o.getKey() + " ")) {
                m = m + " (" + o.getKey() + " was given by " + o.getValue() + ")";
            }
        }
        return m;
    }

    EnvSettings settings() {
        return settings;
    }

    /** The admins, the file backend first in {@code dual}. */
    List<LockAdmin> admins() {
        return admins;
    }

    /** Backends in use that keep no state outside their process ({@code local}). */
    List<String> without() {
        return without;
    }

    /**
     * The admins, or {@link ExitCodes#UNSUPPORTED} when no backend in use has state outside its
     * process.
     */
    List<LockAdmin> require() {
        if (admins.isEmpty()) {
            throw new CliException(ExitCodes.UNSUPPORTED, "the " + String.join(", ", without)
                    + " backend keeps its locks and flags inside each process: there is nothing to"
                    + " see from outside (" + settings.summary() + ")");
        }
        return admins;
    }

    /** True when more than one backend is shown, so output names the backend per line. */
    boolean several() {
        return admins.size() > 1;
    }

    @Override
    public void close() {
        for (LockAdmin a : admins) {
            try {
                a.close();
            } catch (LockUnavailableException | IllegalStateException e) {
                // closing is best effort
            }
        }
    }
}
