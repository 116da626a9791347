package io.holdfast.lock.internal.env;

import io.holdfast.lock.spi.LockBackendProvider;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@link LockBackendProvider}s with {@link ServiceLoader} and, for holdfast's own backends,
 * by class name when {@code ServiceLoader} does not list them: a fat jar built without merging
 * {@code META-INF/services} files keeps only one module's list, although every class is there.
 */
public final class Backends {

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    /** The artifact that provides each known backend, for the "missing module" message. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            EnvSettings.FILE, "io.holdfast:lock-local",
            EnvSettings.LOCAL, "io.holdfast:lock-local",
            EnvSettings.REDIS, "io.holdfast:lock-redis");

    /** The provider class of each known backend. */
    private static final Map<String, String> KNOWN = Map.of(
            EnvSettings.FILE, "io.holdfast.lock.local.provider.FileBackendProvider",
            EnvSettings.LOCAL, "io.holdfast.lock.local.provider.LocalBackendProvider",
            EnvSettings.REDIS, "io.holdfast.lock.redis.provider.RedisBackendProvider");

    private Backends() {}

    /**
     * The provider named {@code name}, looked up through each class loader in turn (the first
     * that has one wins), such as the thread's context loader and then holdfast's own. In each
     * loader {@link ServiceLoader} comes first; a known backend it does not list is then loaded
     * by its class name, so each provider is created once.
     *
     * @throws IllegalStateException if there is none (naming the artifact to add), or more than
     *     one named {@code name} in a loader, or a provider cannot be loaded
     */
    public static LockBackendProvider find(String name, ClassLoader... loaders) {
        return find(name, KNOWN, loaders);
    }

    /** {@link #find(String, ClassLoader...)} with the known provider classes given. */
    static LockBackendProvider find(String name, Map<String, String> known, ClassLoader... loaders) {
        Map<String, LockBackendProvider> found = new TreeMap<>();
        for (ClassLoader loader : loaders) {
            LockBackendProvider p = load(loader, name, found).get(name);
            if (p == null && known.containsKey(name)) {
                p = byClassName(loader, name, known.get(name));
            }
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

    /**
     * The known provider {@code className} from {@code loader}, or null when the loader does not
     * have that class (or has one that is not a provider named {@code name}).
     *
     * @throws IllegalStateException if the class is there but cannot be instantiated
     */
    private static LockBackendProvider byClassName(ClassLoader loader, String name, String className) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        if (!LockBackendProvider.class.isAssignableFrom(type)) {
            return null; // another copy of lock-api's SPI: not ours to use
        }
        LockBackendProvider p;
        try {
            p = (LockBackendProvider) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw new IllegalStateException("lock backend provider " + className
                    + " could not be created: " + cause, cause);
        }
        if (!p.name().equals(name)) {
            return null;
        }
        LOG.info("lock backend '{}' found by class name ({}): META-INF/services/{} does not list it,"
                + " as in a fat jar built without merging service files (maven-shade-plugin:"
                + " ServicesResourceTransformer)", name, className, LockBackendProvider.class.getName());
        return p;
    }
}
