package io.holdfast.lock.local.provider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The default {@code LOCK_DIR}, and the warning for a lock directory that other processes of the
 * host may not see.
 *
 * <p>File locks coordinate only the processes that open the same directory. The temp directory
 * is a poor place for it: systemd's {@code PrivateTmp} and containers give a service a /tmp of
 * its own, tmp cleaners delete lock files (the fencing counters with them), and /tmp is often a
 * tmpfs. So the default is {@value #HOST} when that directory exists (created once per host, see
 * the README), and only otherwise {@code holdfast-locks} under the temp directory, the former
 * default, which is kept so that an upgrade never moves running services to another directory.
 */
final class LockDirs {

    /** The host-wide lock directory, used by default when it exists. */
    static final String HOST = "/var/lib/holdfast";
    /** The fallback's name under the temp directory. */
    static final String TEMP_NAME = "holdfast-locks";

    private LockDirs() {}

    /**
     * The lock directory when {@code LOCK_DIR} is not set: {@value #HOST} when that directory
     * exists, else {@value #TEMP_NAME} under {@code java.io.tmpdir} (with a warning: services with
     * a private temp directory do not share it).
     */
    static Path defaultDir() {
        return defaultDir(Path.of(HOST), Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** {@code host} when it is a directory, else {@value #TEMP_NAME} under {@code tempDir}. */
    static Path defaultDir(Path host, Path tempDir) {
        return Files.isDirectory(host) ? host : tempDir.resolve(TEMP_NAME).toAbsolutePath();
    }

    /** The temp directories of this JVM and host: {@code java.io.tmpdir}, /tmp and /var/tmp. */
    static List<Path> tempDirs() {
        return List.of(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize(),
                Path.of("/tmp"), Path.of("/var/tmp"));
    }

    /** {@link #warning(Path, boolean, List, List, boolean)} for this JVM and host. */
    static Optional<String> warning(Path dir, boolean defaulted) {
        List<Path> temp = tempDirs();
        return temp.stream().anyMatch(dir::startsWith)
                ? warning(dir, defaulted, temp, mountInfo(), inContainer()) : Optional.empty();
    }

    /**
     * The warning for {@code dir} when it lies under one of {@code tempDirs}, naming why other
     * processes may not share it.
     *
     * @param dir the lock directory, absolute and normalized
     * @param defaulted true when {@code LOCK_DIR} was not set
     * @param mountInfo the lines of {@code /proc/self/mountinfo} (empty where there is none)
     * @param container true when this process runs in a container
     */
    static Optional<String> warning(Path dir, boolean defaulted, List<Path> tempDirs,
            List<String> mountInfo, boolean container) {
        Optional<Path> temp = tempDirs.stream().filter(dir::startsWith).findFirst();
        if (temp.isEmpty()) {
            return Optional.empty();
        }
        String where = privateTmp(dir, mountInfo)
                ? ", and this service's temp directory is private (systemd PrivateTmp)"
                : container ? ", and this process runs in a container, whose temp directory is its own"
                : "";
        return Optional.of((defaulted
                ? FileBackendProvider.LOCK_DIR + " is not set and " + HOST + " does not exist, so file locks"
                        + " are in " + dir
                : FileBackendProvider.LOCK_DIR + "=" + dir + " is")
                + " under the temp directory " + temp.get() + where + ": processes with another"
                + " temp directory (systemd PrivateTmp, containers) do not share these locks, and tmp"
                + " cleaners may delete lock files (their fencing counters start again). Create "
                + HOST + " for the services of this host, or set " + FileBackendProvider.LOCK_DIR
                + " to a directory every process that shares these locks uses");
    }

    /**
     * True when the mount holding {@code dir} is a systemd {@code PrivateTmp} bind mount: its root
     * (the fourth field of a mountinfo line) is a {@code systemd-private-*} directory.
     */
    static boolean privateTmp(Path dir, List<String> mountInfo) {
        String bestRoot = null;
        int bestLength = -1;
        for (String line : mountInfo) {
            String[] f = line.split(" ");
            if (f.length < 5) {
                continue;
            }
            Path mountPoint = Path.of(unescape(f[4]));
            if (dir.startsWith(mountPoint) && mountPoint.getNameCount() > bestLength) {
                bestLength = mountPoint.getNameCount();
                bestRoot = unescape(f[3]);
            }
        }
        return bestRoot != null && bestRoot.contains("/systemd-private-");
    }

    /** This process's mount table, or nothing where there is none (not Linux). */
    static List<String> mountInfo() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** True in a Docker or Podman container (they create these marker files). */
    static boolean inContainer() {
        return Files.exists(Path.of("/.dockerenv")) || Files.exists(Path.of("/run/.containerenv"));
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
                .replace("\\134", "\\");
    }
}
