package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.local.internal.LockDirectory;
import io.holdfast.lock.local.internal.OsLock;
import io.holdfast.lock.local.process.LockShell;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POSIX drops a process's lock on a file when any of its descriptors of the file is closed. These
 * tests open a held lock file the ways a real process might, then ask another process whether it
 * can take the lock: it must not, until the holder releases.
 */
@SuppressWarnings("try") // leases held for a block need no reference
class FileLockDescriptorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    @Test
    void readingTheLockFile_whileHeld_doesNotLetAnotherProcessIn() throws Exception {
        Path locks = dir.resolve("locks");
        FileLockManager holder = track(FileLockManager.create(FileLockSettings.of(locks)));
        LockShell.Client other = track(LockShell.Client.start(locks));
        Lease lease = holder.acquire("inverter_read", PATIENCE);
        byte[] content = Files.readAllBytes(holder.lockFile("inverter_read")); // closes a descriptor
        assertThat(content.length).isGreaterThan(8);
        assertThat(other.canTake("inverter_read")).as("another process while the lock is held").isFalse();
        assertThat(lease.isHeld()).isTrue();
        assertThat(lease.release()).isTrue();
        assertThat(other.canTake("inverter_read")).as("after the release").isTrue();
    }

    @Test
    void sameLockFile_throughAnotherDirectory_sharesOnePermit_andDropsNoLock() throws Exception {
        Path locks = dir.resolve("locks");
        Path elsewhere = dir.resolve("elsewhere");
        FileLockManager holder = track(FileLockManager.create(FileLockSettings.of(locks)));
        FileLockManager second = track(FileLockManager.create(FileLockSettings.of(elsewhere)));
        LockShell.Client other = track(LockShell.Client.start(locks));
        Lease lease = holder.acquire("r", PATIENCE);
        // another name for the same file: a hard link (as a bind mount would give)
        Files.createLink(second.lockFile("r"), holder.lockFile("r"));
        assertThat(second.inspect("r")).get().extracting(LockInfo::fencingToken).isEqualTo(lease.fencingToken());
        assertThat(second.tryAcquire("r")).as("the same file through another path").isEmpty();
        assertThat(other.canTake("r")).as("another process while the lock is held").isFalse();
        assertThat(lease.release()).isTrue();
        try (Lease again = second.tryAcquire("r").orElseThrow()) {
            assertThat(again.fencingToken()).isGreaterThan(lease.fencingToken());
            assertThat(other.canTake("r")).isFalse();
        }
    }

    @Test
    void secondCopyOfHoldfast_inAnotherClassLoader_waits_andDropsNoLock() throws Exception {
        Path locks = dir.resolve("locks");
        FileLockManager holder = track(FileLockManager.create(FileLockSettings.of(locks)));
        LockShell.Client other = track(LockShell.Client.start(locks));
        URLClassLoader loader = track(isolatedLoader()); // a second web application, say
        Class<?> settings = loader.loadClass(FileLockSettings.class.getName());
        assertThat(settings).isNotSameAs(FileLockSettings.class);
        Object copy = loader.loadClass(FileLockManager.class.getName()).getMethod("create", settings)
                .invoke(null, settings.getMethod("of", Path.class).invoke(null, locks));
        track(() -> copy.getClass().getMethod("close").invoke(copy));

        Lease lease = holder.acquire("r", PATIENCE);
        for (int i = 0; i < 3; i++) {
            Optional<?> got = (Optional<?>) copy.getClass().getMethod("tryAcquire", String.class)
                    .invoke(copy, "r");
            assertThat(got).as("the other copy's attempt %d", i).isEmpty();
            Optional<?> seen = (Optional<?>) copy.getClass().getMethod("inspect", String.class)
                    .invoke(copy, "r");
            assertThat(seen).as("the other copy sees the holder").isPresent();
        }
        assertThat(other.canTake("r")).as("another process while the lock is held").isFalse();
        assertThat(lease.release()).isTrue();
        Optional<?> got = (Optional<?>) copy.getClass().getMethod("tryAcquire", String.class).invoke(copy, "r");
        assertThat(got).as("the other copy after the release").isPresent();
        assertThat(other.canTake("r")).as("while the other copy holds it").isFalse();
    }

    @Test
    void secondCopyOfHoldfast_waitingForTheFlagsGuard_dropsNoLock() throws Exception {
        Path flags = dir.resolve("flags");
        LockShell.Client other = track(LockShell.Client.start(flags));
        // this copy is in the middle of a flag change: it holds the directory's guard
        OsLock guard = OsLock.acquire(LockDirectory.open(flags, "status"), flags.resolve(".flags.lock"),
                System.nanoTime(), Duration.ofMillis(2), () -> false, content -> false);
        assertThat(guard).isNotNull();
        track(guard);
        URLClassLoader loader = track(isolatedLoader());
        Class<?> settings = loader.loadClass(FileStatusSettings.class.getName());
        Object builder = settings.getMethod("builder", Path.class).invoke(null, flags);
        builder.getClass().getMethod("lockWait", Duration.class).invoke(builder, Duration.ofMillis(200));
        Object copy = loader.loadClass(FileStatusManager.class.getName()).getMethod("create", settings)
                .invoke(null, builder.getClass().getMethod("build").invoke(builder));
        track((AutoCloseable) copy);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> copy.getClass().getMethod("setIfAbsent", String.class, Duration.class)
                    .invoke(copy, "charge-running", Duration.ofMinutes(1)))
                    .as("the other copy's change %d while the guard is held", i)
                    .rootCause().hasMessageContaining("for more than 200ms")
                    .extracting(e -> e.getClass().getName()).isEqualTo(LockUnavailableException.class.getName());
        }
        assertThat(other.claim("charge-running")).as("another process while the guard is held")
                .isEqualTo("unavailable");
        guard.close();
        assertThat(other.claim("charge-running")).isEqualTo("true");
        assertThat(copy.getClass().getMethod("isSet", String.class).invoke(copy, "charge-running")).isEqualTo(true);
    }

    /** A class loader with its own copy of holdfast: everything from the class path, JDK shared. */
    private static URLClassLoader isolatedLoader() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    }
}
