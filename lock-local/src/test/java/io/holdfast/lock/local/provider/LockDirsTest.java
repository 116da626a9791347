package io.holdfast.lock.local.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockDirsTest {

    private static final List<Path> TEMP = List.of(Path.of("/tmp"), Path.of("/var/tmp"));
    /** A host /tmp on the root file system, and a service's PrivateTmp bind mount over it. */
    private static final List<String> PRIVATE_TMP = List.of(
            "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
            "412 27 254:0 /tmp/systemd-private-6f1c2a-billing.service-Xy12/tmp /tmp rw,relatime - ext4 /dev/vda rw",
            "413 27 254:0 /var/tmp/systemd-private-6f1c2a-billing.service-Ab34/tmp /var/tmp rw - ext4 /dev/vda rw");
    private static final List<String> SHARED_TMP = List.of(
            "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
            "30 27 0:27 / /tmp rw,nosuid,nodev - tmpfs tmpfs rw");

    @Test
    void defaultDir_isTheHostDirectory_whenItExists(@TempDir Path dir) throws Exception {
        Path host = Files.createDirectory(dir.resolve("holdfast"));
        assertThat(LockDirs.defaultDir(host, dir.resolve("tmp"))).isEqualTo(host);
    }

    @Test
    void defaultDir_isHoldfastLocksUnderTheTempDir_otherwise(@TempDir Path dir) throws Exception {
        Path tmp = dir.resolve("tmp");
        assertThat(LockDirs.defaultDir(dir.resolve("missing"), tmp)).isEqualTo(tmp.resolve("holdfast-locks"));
        Path file = Files.createFile(dir.resolve("a-file"));
        assertThat(LockDirs.defaultDir(file, tmp)).isEqualTo(tmp.resolve("holdfast-locks"));
    }

    @Test
    void defaultUnderTheTempDir_warnsThatOtherServicesMayNotShareIt_andSaysWhatToDo() {
        assertThat(LockDirs.warning(Path.of("/tmp/holdfast-locks"), true, TEMP, SHARED_TMP, false)).hasValue(
                "LOCK_DIR is not set and /var/lib/holdfast does not exist, so file locks are in /tmp/holdfast-locks"
                + " under the temp directory /tmp: processes with another temp directory (systemd PrivateTmp,"
                + " containers) do not share these locks, and tmp cleaners may delete lock files (their fencing"
                + " counters start again). Create /var/lib/holdfast for the services of this host, or set LOCK_DIR"
                + " to a directory every process that shares these locks uses");
    }

    @Test
    void explicitDirUnderAPrivateTmp_saysItIsPrivate() {
        assertThat(LockDirs.warning(Path.of("/var/tmp/locks"), false, TEMP, PRIVATE_TMP, false)).hasValueSatisfying(w ->
                assertThat(w).startsWith("LOCK_DIR=/var/tmp/locks is under the temp directory /var/tmp, and this"
                        + " service's temp directory is private (systemd PrivateTmp): "));
        assertThat(LockDirs.warning(Path.of("/tmp/locks"), false, TEMP, SHARED_TMP, true)).hasValueSatisfying(w ->
                assertThat(w).contains("/tmp, and this process runs in a container, whose temp directory is its own"));
    }

    @Test
    void dirOutsideTheTempDirs_isNotWarnedAbout() {
        for (String dir : List.of("/var/lib/holdfast", "/srv/app/locks", "/tmpfoo/locks", "/run/holdfast")) {
            assertThat(LockDirs.warning(Path.of(dir), false, TEMP, PRIVATE_TMP, true)).as(dir).isEmpty();
        }
    }

    @Test
    void privateTmp_looksAtTheMountHoldingTheDirectory() {
        assertThat(LockDirs.privateTmp(Path.of("/tmp/a/b"), PRIVATE_TMP)).isTrue();
        assertThat(LockDirs.privateTmp(Path.of("/srv/locks"), PRIVATE_TMP)).isFalse();
        assertThat(LockDirs.privateTmp(Path.of("/tmp/a"), SHARED_TMP)).isFalse();
        assertThat(LockDirs.privateTmp(Path.of("/tmp/a"), List.of())).isFalse();
        assertThat(LockDirs.privateTmp(Path.of("/my dir/x"), List.of(
                "50 27 254:0 /tmp/systemd-private-1-a.service-Q/tmp /my\\040dir rw - ext4 /dev/vda rw"))).isTrue();
    }

    @Test
    void thisJvmsTempDir_isAmongTheTempDirs() {
        assertThat(LockDirs.tempDirs()).contains(
                Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize());
    }
}
