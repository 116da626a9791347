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
     * The provider named {@code name}, looked up through each class loader in turn (the first
     * that has one wins), such as the thread's context loader and then holdfast's own.
     *
     * @throws IllegalStateException if there is none (naming the artifact to add), or more than
     *     one named {@code name} in a loader, or a provider cannot be loaded
     */
    public static LockBackendProvider find(String name, ClassLoader... loaders) {
        Map<String, LockBackendProvider> found = new TreeMap<>();
        for (ClassLoader loader : loaders) {
            LockBackendProvider p = load(loader, name, found).get(name);
            if (p != null) {
                return p;
            }
        }
        String artifact = ARTIFACTS.get(name);
        throw new IllegalStateException("lock backend '" + name + "' is not on the class path"
                + (artifact == null ? "" : "; add the dependency " + artifact)
                + " (backends found: " + (found.isEmpty() ? "none" : String.join(", ", found.keySet()))
                + ")");
    }

    /** The providers of one loader by name; also adds them to {@code seen}. */
    private static Map<String, LockBackendProvider> load(ClassLoader loader, String wanted,
            Map<String, LockBackendProvider> seen) {
        Map<String, LockBackendProvider> byName = new TreeMap<>();
        try {
            for (LockBackendProvider p : ServiceLoader.load(LockBackendProvider.class, loader)) {
                LockBackendProvider other = byName.putIfAbsent(p.name(), p);
                if (other != null && other.getClass() != p.getClass() && p.name().equals(wanted)) {
                    throw new IllegalStateException("two lock backends are named '" + p.name()
                            + "': " + other.getClass().getName() + " and " + p.getClass().getName()
                            + "; keep only one of the jars that provide them on the class path");
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a lock backend provider could not be loaded: "
                    + e.getMessage(), e);
        }
        seen.putAll(byName);
        return byName;
    }
}
