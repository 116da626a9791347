package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.LockService;
import io.holdfast.lock.local.LocalLockManager;
import io.holdfast.lock.testkit.conformance.LockManagerConformance;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No public signature of a library module names a type from an {@code internal} package (or a
 * type that is not public at all): the
 * public and protected methods, constructors and fields of every public type outside
 * {@code internal} packages, its supertypes and the bounds of its type parameters, read by
 * reflection from the built classes of lock-api, lock-local, lock-redis and lock-testkit.
 * An internal type there would tie users to what holdfast may change at any time.
 */
class PublicSignaturesTest {

    @Test
    void publicSignatures_nameNoInternalType() throws Exception {
        Set<String> found = new TreeSet<>();
        for (Class<?> anchor : List.of(LockService.class, LocalLockManager.class, RedisLockManager.class,
                LockManagerConformance.class)) {
            for (Class<?> type : publicTypes(anchor)) {
                found.addAll(offences(type));
            }
        }
        assertThat(found).as("public signatures naming internal or non-public types").isEmpty();
    }

    @Test
    void theScan_seesAnInternalTypeInASignature() {
        // the test can fail: a type of this file that exposes one is reported
        assertThat(offences(Exposes.class)).containsExactly(
                Exposes.class.getName() + "#leak(): io.holdfast.lock.internal.Secrets");
    }

    /** Stands in for a public type that leaks an internal one. */
    public static final class Exposes {
        /** Leaks. */
        public io.holdfast.lock.internal.Secrets leak() {
            return null;
        }
    }

    private static List<Class<?>> publicTypes(Class<?> anchor) throws IOException, URISyntaxException,
            ClassNotFoundException {
        Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> types = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.map(root::relativize).map(Path::toString).filter(f -> f.endsWith(".class"))
                        .forEach(names::add);
            }
        } else {
            try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(root.toFile())) {
                jar.stream().map(java.util.zip.ZipEntry::getName).filter(f -> f.endsWith(".class"))
                        .forEach(names::add);
            }
        }
        for (String file : names) {
            String name = file.substring(0, file.length() - ".class".length()).replace('/', '.')
                    .replace('\\', '.');
            if (name.endsWith("module-info") || name.endsWith("package-info") || isInternal(name)) {
                continue;
            }
            Class<?> type = Class.forName(name, false, anchor.getClassLoader());
            if (isVisible(type)) {
                types.add(type);
            }
        }
        assertThat(types).as("public types under %s", root).isNotEmpty();
        return types;
    }

    /** Public, and so is every class it is nested in. */
    private static boolean isVisible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static List<String> offences(Class<?> type) {
        List<String> out = new ArrayList<>();
        String at = type.getName();
        check(out, at + " supertype", type.getGenericSuperclass());
        for (Type i : type.getGenericInterfaces()) {
            check(out, at + " supertype", i);
        }
        for (TypeVariable<?> v : type.getTypeParameters()) {
            check(out, at + " type parameter " + v.getName(), v.getBounds());
        }
        boolean extensible = !Modifier.isFinal(type.getModifiers());
        for (Field f : type.getDeclaredFields()) {
            if (visible(f, extensible) && !f.isSynthetic()) {
                check(out, at + "#" + f.getName(), f.getGenericType());
            }
        }
        List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
        executables.addAll(List.of(type.getDeclaredConstructors()));
        for (Executable e : executables) {
            if (!visible(e, extensible) || e.isSynthetic() || e instanceof Method m && m.isBridge()) {
                continue;
            }
            String where = at + "#" + (e instanceof Constructor ? "<init>" : e.getName()) + "("
                    + String.join(", ", Stream.of(e.getParameterTypes()).map(Class::getSimpleName).toList()) + ")";
            if (e instanceof Method m) {
                check(out, where, m.getGenericReturnType());
            }
            check(out, where, e.getGenericParameterTypes());
            check(out, where, e.getGenericExceptionTypes());
            for (TypeVariable<?> v : e.getTypeParameters()) {
                check(out, where, v.getBounds());
            }
        }
        return out;
    }

    private static boolean visible(Member m, boolean extensible) {
        int mod = m.getModifiers();
        return Modifier.isPublic(mod) || Modifier.isProtected(mod) && extensible;
    }

    private static void check(List<String> out, String where, Type... types) {
        Set<String> internal = new TreeSet<>();
        for (Type t : types) {
            collect(t, internal, new HashSet<>());
        }
        internal.forEach(name -> out.add(where + ": " + name));
    }

    private static void collect(Type t, Set<String> internal, Set<Type> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        if (t instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (isInternal(c.getName())) {
                internal.add(c.getName());
            } else if (c.getName().startsWith("io.holdfast.") && !isVisible(c)) {
                internal.add(c.getName() + " (not public)");
            }
        } else if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), internal, seen);
            collect(p.getOwnerType(), internal, seen);
            for (Type a : p.getActualTypeArguments()) {
                collect(a, internal, seen);
            }
        } else if (t instanceof WildcardType w) {
            Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
                    .forEach(b -> collect(b, internal, seen));
        } else if (t instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                collect(b, internal, seen);
            }
        } else if (t instanceof GenericArrayType a) {
            collect(a.getGenericComponentType(), internal, seen);
        }
    }

    private static boolean isInternal(String className) {
        return className.startsWith("io.holdfast.") && className.contains(".internal.");
    }
}
