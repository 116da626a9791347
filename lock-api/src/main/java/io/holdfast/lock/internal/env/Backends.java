package io.holdfast.lock.internal.env;

import io.holdfast.lock.spi.LockBackendProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LockBackendProvider}s on the class path: those {@link ServiceLoader} lists and, for
 * holdfast's own backends (listed as data in {@value #KNOWN_RESOURCE}), those loaded by class
 * name when {@code ServiceLoader} does not list them: a fat jar built without merging
 * {@code META-INF/services} files keeps only one module's list, although every class is there.
 */
public final class Backends {

    /** The list of holdfast's own backends: {@code name = providerClass artifact}. */
    static final String KNOWN_RESOURCE = "META-INF/holdfast/known-backends.properties";

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static final Map<String, Known> KNOWN = known();

    /**
     * A known backend: its provider class, the artifact that holds it, and the variables that
     * choose it (so that setting one without the artifact names the artifact).
     */
    record Known(String className, String artifact, List<String> selectedBy) {
        Known(String className, String artifact) {
            this(className, artifact, List.of());
        }
    }

    private final Map<String, LockBackendProvider> providers;
    private final Map<String, String> conflicts;
    private final Map<String, IllegalStateException> broken;
    private final Map<String, Known> known;

    private Backends(Map<String, LockBackendProvider> providers, Map<String, String> conflicts,
            Map<String, IllegalStateException> broken, Map<String, Known> known) {
        this.providers = providers;
        this.conflicts = conflicts;
        this.broken = broken;
        this.known = known;
    }

    /**
     * The providers through each class loader in turn (for each name, the first loader that has
     * one wins), such as the thread's context loader and then holdfast's own. In each loader
     * {@link ServiceLoader} comes first; a known backend it does not list is then loaded by its
     * class name, so each provider is created once.
     *
     * @throws IllegalStateException if a listed provider cannot be created (a known one that
     *     cannot is reported when it is asked for)
     */
    public static Backends installed(ClassLoader... loaders) {
        return installed(KNOWN, loaders);
    }

    /** {@link #installed(ClassLoader...)} with the known backends given. */
    static Backends installed(Map<String, Known> known, ClassLoader... loaders) {
        Map<String, LockBackendProvider> found = new TreeMap<>();
        Map<String, String> conflicts = new TreeMap<>();
        Map<String, IllegalStateException> broken = new TreeMap<>();
        for (ClassLoader loader : loaders) {
            Map<String, LockBackendProvider> mine = load(loader, conflicts);
            for (Map.Entry<String, Known> k : known.entrySet()) {
                if (!mine.containsKey(k.getKey()) && !found.containsKey(k.getKey())
                        && !broken.containsKey(k.getKey())) {
                    try {
                        LockBackendProvider p = byClassName(loader, k.getKey(), k.getValue().className());
                        if (p != null) {
                            mine.put(k.getKey(), p);
                        }
                    } catch (IllegalStateException e) {
                        broken.put(k.getKey(), e);
                    }
                }
            }
            mine.forEach(found::putIfAbsent);
        }
        found.keySet().forEach(broken::remove);
        return new Backends(found, conflicts, broken, known);
    }

    /** The loaders {@code LockService} looks in: the thread's context loader, then lock-api's. */
    public static ClassLoader[] defaultLoaders() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = Backends.class.getClassLoader();
        return context == null || context == own
                ? new ClassLoader[] {own} : new ClassLoader[] {context, own};
    }

    /** {@code installed(loaders).get(name)}. */
    public static LockBackendProvider find(String name, ClassLoader... loaders) {
        return installed(loaders).get(name);
    }

    /** {@code installed(known, loaders).get(name)}. */
    static LockBackendProvider find(String name, Map<String, Known> known, ClassLoader... loaders) {
        return installed(known, loaders).get(name);
    }

    /** True when a provider named {@code name} is installed. */
    public boolean has(String name) {
        return providers.containsKey(name);
    }

    /**
     * The provider named {@code name}.
     *
     * @throws IllegalStateException if there is none (naming the artifact of a known backend and
     *     the backends found), or two providers of different classes have that name
     */
    public LockBackendProvider get(String name) {
        Objects.requireNonNull(name, "name");
        if (conflicts.containsKey(name)) {
            throw new IllegalStateException("two lock backends are named '" + name + "': "
                    + conflicts.get(name) + "; keep only one of the jars that provide them on the"
                    + " class path");
        }
        LockBackendProvider p = providers.get(name);
        if (p == null && broken.containsKey(name)) {
            throw broken.get(name);
        }
        if (p == null) {
            throw new IllegalStateException(missing(name));
        }
        return p;
    }

    /** Why there is no backend named {@code name}, naming the artifact of a known backend. */
    public String missing(String name) {
        Known k = known.get(name);
        return "lock backend '" + name + "' is not on the class path"
                + (k == null ? "" : "; add the dependency " + k.artifact())
                + " (backends found: " + names() + ")";
    }

    /** The providers by name, in name order. */
    public Map<String, LockBackendProvider> all() {
        return providers;
    }

    /**
     * The variables that would choose a known backend that is not installed, each with that
     * backend's name.
     */
    public Map<String, String> missingVariables() {
        Map<String, String> missing = new TreeMap<>();
        known.forEach((name, k) -> {
            if (!providers.containsKey(name)) {
                k.selectedBy().forEach(v -> missing.put(v, name));
            }
        });
        return missing;
    }

    /** The installed names, comma-separated in name order, or {@code none}. */
    public String names() {
        return providers.isEmpty() ? "none" : String.join(", ", providers.keySet());
    }

    /** The installed providers. */
    public Collection<LockBackendProvider> providers() {
        return providers.values();
    }

    /** The providers of one loader by name; records two classes with one name in {@code conflicts}. */
    private static Map<String, LockBackendProvider> load(ClassLoader loader, Map<String, String> conflicts) {
        Map<String, LockBackendProvider> byName = new TreeMap<>();
        try {
            for (LockBackendProvider p : ServiceLoader.load(LockBackendProvider.class, loader)) {
                LockBackendProvider other = byName.putIfAbsent(p.name(), p);
                if (other != null && other.getClass() != p.getClass()) {
                    conflicts.putIfAbsent(p.name(), other.getClass().getName() + " and "
                            + p.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a lock backend provider could not be loaded: "
                    + e.getMessage(), e);
        }
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

    private static Map<String, Known> known() {
        Properties p = new Properties();
        try (InputStream in = Backends.class.getResourceAsStream("/" + KNOWN_RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + KNOWN_RESOURCE, e);
        }
        Map<String, Known> known = new LinkedHashMap<>();
        for (String name : new TreeMap<>(p).keySet().stream().map(Object::toString).toList()) {
            String[] f = p.getProperty(name).trim().split("\\s+");
            known.put(name, new Known(f[0], f.length > 1 ? f[1] : "the module that provides it",
                    f.length > 2 ? List.of(f[2].split(",")) : List.of()));
        }
        return Map.copyOf(known);
    }
}
