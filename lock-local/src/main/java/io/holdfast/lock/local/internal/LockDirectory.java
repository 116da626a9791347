package io.holdfast.lock.local.internal;

import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.NameCodec;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A directory holding one file per name. Names map to file names with
 * {@link NameCodec#encode}: lower-case letters, digits, '-' and '_' stay, everything else becomes
 * {@code %XX}, so distinct names never share a file, even on case-insensitive file systems, and no
 * name can escape the directory or hit a reserved device name.
 *
 * <p>Lock and flag files are written and truncated by every process that uses them, so whoever
 * can write the directory could plant a symbolic link and make holdfast overwrite another file,
 * or remove lock files and let two processes hold one lock. On POSIX systems the directory must
 * therefore be owned by the user running this process and must not be writable by group or
 * others (a missing one is created with mode 700, and created again if it is removed later);
 * every directory above it must be owned by root or this user and be writable by others only
 * if sticky (as {@code /tmp}); and its path must not pass through a symbolic link owned by
 * another user. Files are opened without following symbolic links.
 */
public final class LockDirectory {

    /** Longest encoded file name stem; longer names are hashed. Leaves room for suffixes. */
    private static final int MAX_STEM = 200;
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;

    private final Path configured;
    private final String purpose;
    private final Path path;

    private LockDirectory(Path configured, String purpose, Path path) {
        this.configured = configured;
        this.purpose = purpose;
        this.path = path;
    }

    /**
     * Opens {@code dir}, creating it (mode 700) if missing, and checks that it is safe: see the
     * class description.
     *
     * @param purpose what the directory holds, for messages ({@code "lock"}, {@code "status"})
     * @throws LockUnavailableException naming the directory, the problem and the fix if it
     *     cannot be created or is not safe to use
     */
    public static LockDirectory open(Path dir, String purpose) {
        Path abs = dir.toAbsolutePath().normalize();
        return new LockDirectory(abs, purpose, prepare(abs, purpose));
    }

    /** The directory (absolute, real path). */
    public Path path() {
        return path;
    }

    /** The file of {@code name}: {@code <dir>/<encoded name><suffix>}. */
    public Path fileFor(String name, String suffix) {
        return path.resolve(NameCodec.encode(name, NameCodec.FILE_SAFE, MAX_STEM) + suffix);
    }

    /**
     * A file for the backend's own use, named {@code .<name>}: a leading dot never comes out of
     * the encoding, so it cannot collide with a user's name.
     */
    public Path privateFile(String name) {
        return path.resolve("." + name);
    }

    /**
     * Creates the directory again after it was removed (by a cleaner of the temporary directory,
     * or an operator), with the same checks, so that later calls work instead of failing until a
     * restart. Does nothing if it exists.
     *
     * @throws LockUnavailableException if it cannot be created or is no longer safe
     */
    public synchronized void recreate() {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path again = prepare(configured, purpose);
        if (!again.equals(path)) {
            throw new LockUnavailableException(purpose + " directory " + configured + " now resolves"
                    + " to " + again + " instead of " + path + "; restart the process to use it");
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }

    private static Path prepare(Path abs, String purpose) {
        try {
            createIfMissing(abs);
            Path real = abs.toRealPath();
            if (!Files.isDirectory(real) || !Files.isWritable(real)) {
                throw new LockUnavailableException(purpose + " directory " + real + " is not a"
                        + " writable directory; grant this process write access or choose another"
                        + " one (LOCK_DIR)");
            }
            if (Unix.SUPPORTED) {
                checkLinks(abs, purpose);
                checkSafe(real, purpose);
            }
            return real;
        } catch (IOException e) {
            throw new LockUnavailableException("cannot create " + purpose + " directory " + abs + ": "
                    + e + "; grant this process write access or choose another directory (LOCK_DIR)", e);
        }
    }

    private static void createIfMissing(Path abs) throws IOException {
        if (Files.exists(abs)) {
            return;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (Unix.SUPPORTED) {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(abs);
            }
        } catch (FileAlreadyExistsException e) {
            // created meanwhile by another process; checked like any existing directory
        }
    }

    /** No component of the configured path may be a symbolic link another user planted. */
    private static void checkLinks(Path abs, String purpose) throws IOException {
        Path p = abs.getRoot();
        for (Path name : abs) {
            p = p.resolve(name);
            if (Files.isSymbolicLink(p)) {
                int owner = Unix.uid(p);
                if (!Unix.trusted(owner)) {
                    throw unsafe(purpose, abs, "its path passes through the symbolic link " + p
                            + " owned by uid " + owner + ", neither root nor uid " + Unix.SELF
                            + " that runs this process: that user decides where lock files go",
                            "remove the link, or set LOCK_DIR to a path without it");
                }
                p = p.toRealPath();
            }
        }
    }

    private static void checkSafe(Path real, String purpose) throws IOException {
        int owner = Unix.uid(real);
        int mode = Unix.mode(real);
        if (Unix.SELF >= 0 && owner != Unix.SELF) {
            throw unsafe(purpose, real, "it is owned by uid " + owner + ", not by uid " + Unix.SELF
                    + " that runs this process: its owner could plant symbolic links or remove lock"
                    + " files there", "remove it, or set LOCK_DIR to a directory owned by this user"
                    + " (such as a directory of the service's own, or $XDG_RUNTIME_DIR/holdfast)");
        }
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
            throw unsafe(purpose, real, "it is writable by group or others (mode "
                    + Integer.toOctalString(mode & 07777) + "): they could plant symbolic links or"
                    + " remove lock files there", "run chmod go-w " + real + ", or set LOCK_DIR to"
                    + " a directory only this user can write");
        }
        for (Path up = real.getParent(); up != null; up = up.getParent()) {
            int upOwner = Unix.uid(up);
            int upMode = Unix.mode(up);
            if (!Unix.trusted(upOwner)) {
                throw unsafe(purpose, real, "the directory " + up + " above it is owned by uid "
                        + upOwner + ", neither root nor uid " + Unix.SELF + " that runs this"
                        + " process: that user could replace the lock directory",
                        "set LOCK_DIR to a directory below directories of root or this user");
            }
            if ((upMode & GROUP_OR_OTHERS_WRITE) != 0 && (upMode & STICKY) == 0) {
                throw unsafe(purpose, real, "the directory " + up + " above it is writable by group"
                        + " or others and not sticky (mode " + Integer.toOctalString(upMode & 07777)
                        + "): they could replace the lock directory", "run chmod go-w " + up
                        + ", or set LOCK_DIR to a directory below directories only root or this"
                        + " user can write");
            }
        }
    }

    private static LockUnavailableException unsafe(String purpose, Path dir, String problem,
            String fix) {
        return new LockUnavailableException(purpose + " directory " + dir + " (LOCK_DIR) is not"
                + " safe to use: " + problem + "; " + fix);
    }

    /** Owner and mode bits where the file system has the {@code unix} attribute view. */
    private static final class Unix {
        static final boolean SUPPORTED = Path.of("").toAbsolutePath().getFileSystem()
                .supportedFileAttributeViews().contains("unix");
        /** The uid this process creates files as, or -1 if unknown. */
        static final int SELF = SUPPORTED ? selfUid() : -1;

        static int uid(Path p) throws IOException {
            return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        }

        static int mode(Path p) throws IOException {
            return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        }

        static boolean trusted(int uid) {
            return uid == 0 || uid == SELF || SELF < 0;
        }

        /** The owner of a file this process creates; {@code /proc/self}'s owner failing that. */
        private static int selfUid() {
            try {
                Path probe = Files.createTempFile("holdfast-owner", ".probe");
                try {
                    return uid(probe);
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | RuntimeException e) {
                try {
                    return uid(Path.of("/proc/self"));
                } catch (IOException | RuntimeException notLinux) {
                    return -1;
                }
            }
        }
    }
}
