package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockUnavailableException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lock and flag files are written and truncated by whoever uses them, so the directory must not
 * let another user plant symbolic links or remove files: checked at start-up, and files are never
 * opened through a link.
 */
@SuppressWarnings("try") // leases held for a block need no reference
class LockDirectoryTest {

    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    @Test
    void missingDirectory_isCreatedWithMode700() throws Exception {
        Path locks = dir.resolve("a/b/locks");
        try (FileLockManager m = FileLockManager.create(FileLockSettings.of(locks))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(locks))).isEqualTo("rwx------");
        }
    }

    @Test
    void directoryOfAnotherUser_isRefused_andThePlantedLinkTargetIsUntouched() throws Exception {
        Path planted = Files.createDirectory(dir.resolve("holdfast-locks"));
        Path victim = Files.write(dir.resolve("victim.conf"), bytes(780));
        Files.createSymbolicLink(planted.resolve("inverter_read.lock"), victim);
        chown(planted, NOBODY);
        assertThatThrownBy(() -> FileLockManager.create(FileLockSettings.of(planted)))
                .isInstanceOf(LockUnavailableException.class)
                .hasMessageContaining(planted.toString()).hasMessageContaining("LOCK_DIR")
                .hasMessageContaining("owned by uid " + NOBODY).hasMessageContaining("set LOCK_DIR to");
        assertThatThrownBy(() -> FileStatusManager.create(FileStatusSettings.of(planted)))
                .isInstanceOf(LockUnavailableException.class).hasMessageContaining("owned by uid");
        assertThat(Files.readAllBytes(victim)).isEqualTo(bytes(780));
    }

    @Test
    void directoryWritableByOthers_isRefused_evenWhenSticky() throws Exception {
        for (String mode : new String[] {"rwxrwxrwx", "rwxrwx---", "rwx-w----"}) {
            Path d = Files.createDirectories(dir.resolve("open-" + mode.replace('-', '_')));
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> FileLockManager.create(FileLockSettings.of(d)))
                    .as(mode).isInstanceOf(LockUnavailableException.class)
                    .hasMessageContaining("writable by group or others").hasMessageContaining("chmod go-w " + d);
        }
        // the system temporary directory: sticky, but anyone can create names in it
        assertThatThrownBy(() -> FileLockManager.create(FileLockSettings.of(Path.of("/tmp"))))
                .isInstanceOf(LockUnavailableException.class).hasMessageContaining("/tmp");
        Path readOnlyForOthers = Files.createDirectories(dir.resolve("fine"));
        Files.setPosixFilePermissions(readOnlyForOthers, PosixFilePermissions.fromString("rwxr-xr-x"));
        FileLockManager.create(FileLockSettings.of(readOnlyForOthers)).close();
    }

    @Test
    void pathThroughAnotherUsersLink_isRefused() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        FileLockManager.create(FileLockSettings.of(link)).close(); // our own link is fine
        chown(link, NOBODY);
        assertThatThrownBy(() -> FileLockManager.create(FileLockSettings.of(link.resolve("locks"))))
                .isInstanceOf(LockUnavailableException.class)
                .hasMessageContaining("symbolic link " + link).hasMessageContaining("uid " + NOBODY);
    }

    @Test
    void directoryBelowAnotherUsersDirectory_isRefused() throws Exception {
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Path locks = Files.createDirectory(theirs.resolve("locks"));
        chown(theirs, NOBODY);
        assertThatThrownBy(() -> FileLockManager.create(FileLockSettings.of(locks)))
                .isInstanceOf(LockUnavailableException.class)
                .hasMessageContaining("directory " + theirs + " above it is owned by uid " + NOBODY);
    }

    @Test
    void symbolicLinkPlantedAsLockFile_isNotFollowed() throws Exception {
        Path victim = Files.write(dir.resolve("victim.conf"), bytes(780));
        Path locks = dir.resolve("locks");
        try (FileLockManager m = FileLockManager.create(FileLockSettings.of(locks))) {
            Files.createSymbolicLink(m.lockFile("inverter_read"), victim);
            assertThatThrownBy(() -> m.acquire("inverter_read", Duration.ofSeconds(1)))
                    .isInstanceOf(LockUnavailableException.class)
                    .hasMessageContaining("inverter_read.lock is a symbolic link").hasMessageContaining("remove");
            assertThat(m.inspect("inverter_read")).isEmpty();
            try (Lease other = m.acquire("other", Duration.ofSeconds(1))) {
                assertThat(other.isHeld()).isTrue();
            }
        }
        assertThat(Files.readAllBytes(victim)).isEqualTo(bytes(780));
    }

    @Test
    void symbolicLinkPlantedAsFlagFile_isNeitherReadNorFollowed() throws Exception {
        Path victim = Files.write(dir.resolve("victim.conf"), bytes(780));
        Path flags = dir.resolve("flags");
        try (FileStatusManager m = FileStatusManager.create(FileStatusSettings.of(flags))) {
            Path link = Files.createSymbolicLink(flags.resolve("charge-running.flag"), victim);
            assertThat(m.isSet("charge-running")).isFalse();
            assertThat(m.list()).isEmpty();
            assertThat(m.setIfAbsent("charge-running", Duration.ofMinutes(1))).isTrue();
            assertThat(Files.isSymbolicLink(link)).as("the link was replaced by the flag file").isFalse();
            assertThat(m.clear("charge-running")).isTrue();
        }
        assertThat(Files.readAllBytes(victim)).isEqualTo(bytes(780));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    /** Gives {@code p} (not what it links to) to another user; needs root. */
    private static void chown(Path p, int uid) throws Exception {
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0),
                "changing a file's owner needs root");
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }
}
