package io.holdfast.lock.local;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.internal.NameCodec;
import io.holdfast.lock.internal.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * Crash-safe file writes: readers see the old content or the new, never a torn file, even if the
 * writer dies or the machine loses power mid-write. Stateless; thread-safe.
 */
public final class AtomicFiles {

    private static final String RESOURCE_PREFIX = "file:";

    private AtomicFiles() {}

    /**
     * Replaces {@code target}'s content atomically: writes a temporary file in the same directory,
     * fsyncs it, renames it over the target ({@code ATOMIC_MOVE}) and fsyncs the directory. An
     * existing target's POSIX permissions are kept.
     *
     * @throws UncheckedIOException if the file cannot be written or the file system cannot rename
     *     atomically
     */
    public static void write(Path target, byte[] content) {
        Objects.requireNonNull(content, "content");
        Path abs = Objects.requireNonNull(target, "target").toAbsolutePath().normalize();
        Path dir = abs.getParent();
        String base = abs.getFileName().toString();
        // hidden, unique, and short enough for a 255-byte file name limit whatever the target's
        Path tmp = dir.resolve("." + base.substring(0, Math.min(base.length(), 64)) + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            copyPermissions(abs, tmp);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(dir);
        } catch (AtomicMoveNotSupportedException e) {
            throw new UncheckedIOException("the file system of " + dir + " cannot rename atomically;"
                    + " atomic writes need a local file system", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + abs + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // a leftover hidden temporary file is harmless
            }
        }
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
     * to exclude other processes, a {@link LocalLockManager} for threads of one JVM.
     *
     * @return the new content
     * @throws io.holdfast.lock.LockTimeoutException if the lock was not granted within {@code wait}
     * @throws UncheckedIOException if the file cannot be read or written, or is not UTF-8
     * @throws InterruptedException if interrupted while waiting for the lock
     */
    public static String update(Path target, LockManager locks, Duration wait,
            UnaryOperator<String> transform) throws InterruptedException {
        Objects.requireNonNull(locks, "locks");
        Objects.requireNonNull(transform, "transform");
        Path abs = Objects.requireNonNull(target, "target").toAbsolutePath().normalize();
        return locks.withLock(lockResource(abs), wait, lease -> {
            String before = read(abs);
            String after = Objects.requireNonNull(transform.apply(before), "transform result");
            if (!after.equals(before)) {
                writeString(abs, after);
            }
            return after;
        });
    }

    /**
     * The lock resource {@link #update} uses for {@code target}: {@code "file:"} and the absolute,
     * normalized path, or {@code "file:~"} and its SHA-256 when that is too long for a name.
     */
    public static String lockResource(Path target) {
        String name = RESOURCE_PREFIX + target.toAbsolutePath().normalize();
        if (name.length() <= Names.MAX_LENGTH && name.chars().noneMatch(Character::isISOControl)) {
            return name;
        }
        return RESOURCE_PREFIX + NameCodec.encode(name, c -> false, 0); // "~" + SHA-256 hex
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

    private static void copyPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            Files.setPosixFilePermissions(to, perms);
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
            // a new target keeps the default permissions of the temporary file
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open or sync directories; the rename itself was atomic
        }
    }
}
