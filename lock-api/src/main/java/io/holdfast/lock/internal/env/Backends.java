package io.holdfast.lock.internal.env;

import io.holdfast.lock.spi.LockBackendProvider;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds {@link LockBackendProvider}s with {@link ServiceLoader}. */
public final class Backends {

    /** The artifact that provides each known backend, for the "missing module" message. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            EnvSettings.FILE, "io.holdfast:lock-local",
            EnvSettings.LOCAL, "io.holdfast:lock-local",
            EnvSettings.REDIS, "io.holdfast:lock-redis");

    private Backends() {}

    /**
     * The provider named {@code name} on the class path of {@code loader}.
     *
     * @throws IllegalStateException if there is none (naming the artifact to add), or more than
     *     one, or a provider cannot be loaded
     */
    public static LockBackendProvider find(String name, ClassLoader loader) {
        Map<String, LockBackendProvider> found = new TreeMap<>();
        try {
            for (LockBackendProvider p : ServiceLoader.load(LockBackendProvider.class, loader)) {
                LockBackendProvider other = found.putIfAbsent(p.name(), p);
                if (other != null && p.name().equals(name)) {
                    throw new IllegalStateException("two lock backends are named '" + name + "': "
                            + other.getClass().getName() + " and " + p.getClass().getName()
                            + "; keep one of the jars that provide them on the class path");
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a lock backend provider could not be loaded: "
                    + e.getMessage(), e);
        }
        LockBackendProvider p = found.get(name);
        if (p == null) {
            String artifact = ARTIFACTS.get(name);
            throw new IllegalStateException("lock backend '" + name + "' is not on the class path"
                    + (artifact == null ? "" : "; add the dependency " + artifact)
                    + " (backends found: " + (found.isEmpty() ? "none" : String.join(", ", found.keySet()))
                    + ")");
        }
        return p;
    }
}
