package io.holdfast.lock.internal.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
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
                        + " io.holdfast:lock-redis (backends found: file, local)");
        assertThatThrownBy(() -> Backends.find("etcd", tests))
                .hasMessage("lock backend 'etcd' is not on the class path (backends found: file, local)");
    }

    @Test
    void find_triesEachLoaderInTurn() throws Exception {
        ClassLoader empty = new URLClassLoader(new URL[0], null);
        assertThat(Backends.find("file", empty, tests)).isInstanceOf(TestProviders.File.class);
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
}
