package io.holdfast.lock.internal.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendsTest {

    private final ClassLoader tests = BackendsTest.class.getClassLoader();

    @Test
    void find_returnsTheProviderOfThatName() {
        assertThat(Backends.find("file", tests)).isInstanceOf(TestProviders.File.class);
        assertThat(Backends.find("local", tests)).isInstanceOf(TestProviders.Local.class);
    }

    @Test
    void find_unknownName_listsWhatWasFound_andNamesTheArtifactOfKnownOnes() {
        assertThatThrownBy(() -> Backends.find("redis", tests))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("lock backend 'redis' is not on the class path; add the dependency"
                        + " io.holdfast:lock-redis (backends found: file, local, remote)");
        assertThatThrownBy(() -> Backends.find("etcd", tests))
                .hasMessage("lock backend 'etcd' is not on the class path (backends found: file, local, remote)");
    }

    @Test
    void find_triesEachLoaderInTurn() throws Exception {
        ClassLoader empty = new URLClassLoader(new URL[0], null);
        assertThat(Backends.find("file", empty, tests)).isInstanceOf(TestProviders.File.class);
    }

    @Test
    void installed_listsEveryProvider_byName() {
        assertThat(Backends.installed(tests).all().keySet()).containsExactly("file", "local", "remote");
        assertThat(Backends.installed(tests).names()).isEqualTo("file, local, remote");
    }

    @Test
    void twoProvidersWithTheRequestedName_areAnError(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services/io.holdfast.lock.spi.LockBackendProvider");
        Files.createDirectories(services.getParent());
        Files.writeString(services, TestProviders.FileTwin.class.getName() + "\n");
        try (URLClassLoader twin = new URLClassLoader(new URL[] {dir.toUri().toURL()}, tests)) {
            assertThatThrownBy(() -> Backends.find("file", twin))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("two lock backends are named 'file'")
                    .hasMessageContaining("TestProviders$FileTwin");
            assertThat(Backends.find("local", twin)).isInstanceOf(TestProviders.Local.class);
        }
    }

    /** Sees every class of the tests, but no {@code META-INF/services} file: a badly merged fat jar. */
    private static final class NoServiceFiles extends ClassLoader {
        NoServiceFiles(ClassLoader parent) {
            super(parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return name.startsWith("META-INF/services/") ? Collections.emptyEnumeration() : super.getResources(name);
        }
    }

    private static final Map<String, Backends.Known> KNOWN = Map.of(
            "file", new Backends.Known(TestProviders.File.class.getName(), "io.holdfast:lock-local"),
            "local", new Backends.Known(TestProviders.Local.class.getName(), "io.holdfast:lock-local"),
            "redis", new Backends.Known(TestProviders.Broken.class.getName(), "io.holdfast:lock-redis"));

    @Test
    void knownBackend_missingFromTheServiceFiles_isFoundByClassName() {
        // regression: a shaded jar that kept another module's service file lost this backend
        ClassLoader fatJar = new NoServiceFiles(tests);
        assertThatThrownBy(() -> Backends.find("file", fatJar)).hasMessageContaining("backends found: none");
        assertThat(Backends.find("file", KNOWN, fatJar)).isInstanceOf(TestProviders.File.class);
        assertThat(Backends.find("local", KNOWN, fatJar)).isInstanceOf(TestProviders.Local.class);
    }

    @Test
    void knownBackend_listedByServiceLoader_isCreatedOnce() {
        int before = instances(TestProviders.File.class);
        assertThat(Backends.find("file", KNOWN, tests)).isInstanceOf(TestProviders.File.class);
        assertThat(instances(TestProviders.File.class)).isEqualTo(before + 1);
    }

    @Test
    void unknownName_isStillMissing_andAKnownProviderThatFails_saysWhy() {
        ClassLoader fatJar = new NoServiceFiles(tests);
        assertThatThrownBy(() -> Backends.find("etcd", KNOWN, fatJar))
                .hasMessage("lock backend 'etcd' is not on the class path (backends found: file, local)");
        assertThatThrownBy(() -> Backends.find("redis", KNOWN, fatJar))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TestProviders$Broken could not be created")
                .hasRootCauseMessage("no redis client library");
        assertThatThrownBy(() -> Backends.find("redis", Map.of("redis", new Backends.Known("com.example.Absent", "io.holdfast:lock-redis")), fatJar))
                .hasMessageContaining("lock backend 'redis' is not on the class path; add the dependency io.holdfast:lock-redis");
    }

    @Test
    void knownClassWithAnotherName_isNotUsed() {
        ClassLoader fatJar = new NoServiceFiles(tests);
        assertThatThrownBy(() -> Backends.find("local", Map.of("local", new Backends.Known(TestProviders.File.class.getName(), "io.holdfast:lock-local")), fatJar))
                .hasMessageContaining("lock backend 'local' is not on the class path");
    }

    private static int instances(Class<?> type) {
        return TestProviders.INSTANCES.getOrDefault(type, new java.util.concurrent.atomic.AtomicInteger()).get();
    }
}
