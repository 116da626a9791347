package io.holdfast.lock.local;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.internal.NameCodec;
import io.holdfast.lock.internal.Names;
import io.holdfast.lock.local.internal.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Crash-safe file writes: readers see the old content or the new, never a torn file, even if the
 * writer dies or the machine loses power mid-write; {@link #read(Path, LockManager, Duration)}
 * reads under the shared lock that {@link #update} takes exclusively. A file is known by its real path (symbolic
 * links resolved): writing through a link replaces the file it points to, and updates through two
 * paths of one file exclude each other. Temporary files of writers that died are removed by later
 * writes to the same directory. Stateless; thread-safe.
 */
public final class AtomicFiles {

    private static final String RESOURCE_PREFIX = "file:";
    private static final String TMP_SUFFIX = ".tmp";
    private static final int MAX_LINKS = 40;
    /** How often one JVM looks for temporary files of dead writers in one directory. */
    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final ConcurrentHashMap<Path, Long> SWEPT = new ConcurrentHashMap<>();

    private AtomicFiles() {}

    /**
     * Replaces {@code target}'s content atomically: writes a temporary file in the same directory,
     * fsyncs it, renames it over the target ({@code ATOMIC_MOVE}) and fsyncs the directory. If
     * {@code target} is a symbolic link, the file it points to is replaced and the link kept. An
     * existing target's POSIX permissions are kept. The interrupt flag does not fail the write
     * and is kept.
     *
     * @throws UncheckedIOException if the file cannot be written or the file system cannot rename
     *     atomically
     */
    public static void write(Path target, byte[] content) {
        Objects.requireNonNull(content, "content");
        replace(realPath(Objects.requireNonNull(target, "target")), content);
    }

    /** {@link #write(Path, byte[])} of {@code content} in UTF-8. */
    public static void writeString(Path target, String content) {
        write(target, Objects.requireNonNull(content, "content").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Read-modify-write under a lock: reads {@code target} as UTF-8 (a missing file reads as
     * empty), applies {@code transform} and writes the result atomically if it differs. Every byte
     * the transform does not change is kept, line endings and byte-order marks included.
     *
     * <p>The lock is {@link #lockResource(Path)} on {@code locks}: use a {@link FileLockManager}
     * to exclude other processes, a {@link LocalLockManager} for threads of one JVM. The file is
     * the one {@code target} names when the lock is granted: if a symbolic link on its path was
     * changed meanwhile, the lock of the new file is taken instead.
     *
     * @return the new content
     * @throws io.holdfast.lock.LockTimeoutException if the lock was not granted within {@code wait}
     * @throws UncheckedIOException if the file cannot be read or written, or is not UTF-8
     * @throws InterruptedException if interrupted while waiting for the lock
     */
    public static String update(Path target, LockManager locks, Duration wait,
            UnaryOperator<String> transform) throws InterruptedException {
        Objects.requireNonNull(transform, "transform");
        return underLock(target, locks, wait, false, real -> {
            String before = read(real);
            String after = Objects.requireNonNull(transform.apply(before), "transform result");
            if (!after.equals(before)) {
                replace(real, after.getBytes(StandardCharsets.UTF_8));
            }
            return after;
        });
    }

    /**
     * Reads {@code target} as UTF-8 (a missing file reads as empty) under the <em>shared</em>
     * lock {@link #lockResource(Path)} on {@code locks}: readers run together, and never while an
     * {@link #update} or any other exclusive holder of that resource writes, so even a writer
     * that rewrites the file in place is never seen half done. A waiting writer is served before
     * readers that arrive after it.
     *
     * @return the content
     * @throws io.holdfast.lock.LockTimeoutException if the lock was not granted within {@code wait}
     * @throws UnsupportedOperationException if {@code locks} has no shared locks
     * @throws UncheckedIOException if the file cannot be read or is not UTF-8
     * @throws InterruptedException if interrupted while waiting for the lock
     */
    public static String read(Path target, LockManager locks, Duration wait)
            throws InterruptedException {
        return underLock(target, locks, wait, true, AtomicFiles::read);
    }

    /** Runs {@code body} on the real path of {@code target} under its lock, exclusive or shared. */
    private static String underLock(Path target, LockManager locks, Duration wait, boolean shared,
            Function<Path, String> body) throws InterruptedException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(locks, "locks");
        long deadline = System.nanoTime() + Durations.toNanosSaturated(Durations.requireWait(wait));
        for (Duration left = wait; ; left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))) {
            Path real = realPath(target);
            String resource = resourceOf(real);
            try (Lease lease = shared ? locks.acquireShared(resource, left)
                    : locks.acquire(resource, left)) {
                if (!realPath(target).equals(real)) {
                    continue; // a link now points elsewhere: lock the file it names
                }
                return body.apply(real);
            }
        }
    }

    /**
     * The lock resource {@link #update} uses for {@code target}: {@code "file:"} and the real
     * path of the file (symbolic links resolved; for a file that does not exist yet, its name in
     * the real path of its directory), or {@code "file:~"} and its SHA-256 when that is too long
     * for a name. Two paths of one file give one resource; hard links do not (a write replaces
     * the file, which detaches them anyway).
     *
     * @throws UncheckedIOException if the path cannot be resolved
     */
    public static String lockResource(Path target) {
        return resourceOf(realPath(Objects.requireNonNull(target, "target")));
    }

    private static String resourceOf(Path real) {
        String name = RESOURCE_PREFIX + real;
        try {
            return Names.require("resource", name);
        } catch (IllegalArgumentException tooLongOrControlCharacters) {
            return RESOURCE_PREFIX + NameCodec.encode(name, c -> false, 0); // "~" + SHA-256 hex
        }
    }

    /** The real path of {@code target}; for a missing file, its name in its directory's. */
    static Path realPath(Path target) {
        return resolve(target.toAbsolutePath(), 0);
    }

    private static Path resolve(Path abs, int links) {
        try {
            return abs.toRealPath();
        } catch (NoSuchFileException e) {
            // a dangling link, or a file (or directory) that does not exist yet
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + abs + ": " + e.getMessage(), e);
        }
        if (Files.isSymbolicLink(abs)) {
            if (links >= MAX_LINKS) {
                throw new UncheckedIOException(new FileSystemException(abs.toString(), null,
                        "too many levels of symbolic links"));
            }
            try {
                return resolve(abs.resolveSibling(Files.readSymbolicLink(abs)), links + 1);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read link " + abs + ": " + e.getMessage(), e);
            }
        }
        Path parent = abs.getParent();
        Path name = abs.getFileName();
        if (parent == null || name == null) {
            return abs;
        }
        Path realParent = resolve(parent, links);
        switch (name.toString()) {
            case "..":
                return realParent.getParent() == null ? realParent : realParent.getParent();
            case ".":
                return realParent;
            default:
                return realParent.resolve(name);
        }
    }

    /**
     * {@link #write} of exactly {@code file}: a symbolic link there is replaced, not followed
     * (flag files).
     */
    static void replace(Path file, byte[] content) {
        Path dir = file.getParent();
        String base = file.getFileName().toString();
        // hidden, unique, short enough for a 255-byte name limit, and naming the writing process
        // so that a later write can tell a dead writer's leftover from a live writer's file
        Path tmp = dir.resolve("." + base.substring(0, Math.min(base.length(), 64)) + "."
                + Processes.PID + "-" + Long.toHexString(Processes.START_MILLIS) + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TMP_SUFFIX);
        boolean interrupted = Thread.interrupted(); // else the channel would close itself
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            copyPermissions(file, tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        } catch (AtomicMoveNotSupportedException e) {
            throw new UncheckedIOException("the file system of " + dir + " cannot rename atomically;"
                    + " atomic writes need a local file system", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // a later write to this directory removes it once this process has ended
            }
            sweepSometimes(dir);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Fsyncs a directory, so that renames and removals in it survive a power loss. */
    static void syncDirectory(Path dir) {
        boolean interrupted = Thread.interrupted();
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open or sync directories; the rename itself was atomic
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Removes temporary files of writers that no longer run (killed mid-write), at most once a
     * minute per directory per JVM. A file names its writer's pid and start time; one whose
     * writer still runs, or that this format does not describe, is left alone.
     */
    private static void sweepSometimes(Path dir) {
        long now = System.nanoTime();
        Long last = SWEPT.get(dir);
        if (last != null && now - last < SWEEP_INTERVAL_NANOS) {
            return;
        }
        if (SWEPT.size() > 1024) {
            SWEPT.clear(); // bounded memory: at worst a directory is looked at again early
        }
        SWEPT.put(dir, now);
        try (DirectoryStream<Path> tmps = Files.newDirectoryStream(dir, ".*" + TMP_SUFFIX)) {
            for (Path tmp : tmps) {
                if (deadWritersFile(tmp.getFileName().toString())) {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException | RuntimeException e) {
            // only tidiness is at stake
        }
    }

    /** True for {@code .<base>.<pid>-<start hex>-<random hex>.tmp} of a writer that has ended. */
    private static boolean deadWritersFile(String name) {
        String stem = name.substring(0, name.length() - TMP_SUFFIX.length());
        String[] writer = stem.substring(stem.lastIndexOf('.') + 1).split("-", -1);
        if (writer.length != 3) {
            return false;
        }
        try {
            long pid = Long.parseLong(writer[0]);
            long start = Long.parseUnsignedLong(writer[1], 16);
            Long.parseUnsignedLong(writer[2], 16);
            if (start == -1L) {
                return ProcessHandle.of(pid).isEmpty(); // start unknown: only a vanished pid is dead
            }
            return !Processes.running(pid, start);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new UncheckedIOException(file + " is not valid UTF-8; it was left unchanged", e);
        }
    }

    /** Gives {@code to} the permissions of the regular file {@code from}, if there is one. */
    private static void copyPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        try {
            PosixFileAttributes attrs = view.readAttributes();
            if (attrs.isRegularFile()) {
                Files.setPosixFilePermissions(to, attrs.permissions());
            }
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
            // a new target keeps the default permissions of the temporary file
        }
    }
}
