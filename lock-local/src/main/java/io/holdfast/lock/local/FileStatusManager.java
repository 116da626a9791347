package io.holdfast.lock.local;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.local.internal.FlagRecord;
import io.holdfast.lock.local.internal.LockDirectory;
import io.holdfast.lock.local.internal.OsLock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Status flags shared by the processes of one host: one file per flag,
 * {@code <directory>/<encoded name>.flag}, holding the name, the owner and the expiry time.
 *
 * <p>Every change (set, claim, clear, removal of an expired file) runs under an OS lock on the
 * directory's {@code .flags.lock} file and decides on what it reads under that lock, so a claim is
 * atomic across processes, including the race of two processes replacing the same expired flag,
 * and a reader that found a flag expired removes it only if it is still expired under the lock
 * (never a claim made meanwhile). Files are replaced by an atomic rename after fsync, and removed
 * with an fsync of the directory, so a crash never leaves a torn flag and a removal survives a
 * power loss; reads take no lock. Flag files are never followed through symbolic links. The
 * directory must be safe as for {@link FileLockManager}. TTLs are checked on read against the
 * wall clock, which the processes must share.
 *
 * <p>Operations do not react to interrupts: they wait at most
 * {@link FileStatusSettings#lockWait()} for another process's change, and an interrupted thread
 * (a {@code finally} block of a cancelled task) can still clear its flag; its interrupt flag is
 * kept. Thread-safe.
 */
public final class FileStatusManager implements StatusManager {

    private static final Duration GUARD_POLL = Duration.ofMillis(2);
    private static final String SUFFIX = ".flag";

    private final LockDirectory directory;
    private final Path guard;
    private final Clock clock;
    private final Duration lockWait;
    private final String owner = FlagRecord.newOwner();
    private volatile boolean closed;

    private FileStatusManager(FileStatusSettings settings) {
        this.directory = LockDirectory.open(settings.directory(), "status");
        this.guard = directory.privateFile("flags.lock");
        this.clock = settings.clock();
        this.lockWait = settings.lockWait();
    }

    /**
     * A manager keeping its flags in {@link FileStatusSettings#directory()}.
     *
     * @throws LockUnavailableException naming the directory, the problem and the fix if it cannot
     *     be created or is not safe (owned by another user, writable by others)
     */
    public static FileStatusManager create(FileStatusSettings settings) {
        return new FileStatusManager(Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public void set(String flag, Duration ttl) {
        validate(flag, ttl);
        uninterruptibly(() -> underGuard(() -> {
            write(flag, FlagRecord.of(owner, clock.instant(), ttl));
            return null;
        }));
    }

    @Override
    public boolean setIfAbsent(String flag, Duration ttl) {
        validate(flag, ttl);
        return uninterruptibly(() -> underGuard(() -> {
            if (read(flag).filter(this::live).isPresent()) {
                return false;
            }
            write(flag, FlagRecord.of(owner, clock.instant(), ttl)); // timed after the wait
            return true;
        }));
    }

    @Override
    public boolean clear(String flag) {
        return remove(flag, true);
    }

    @Override
    public boolean forceClear(String flag) {
        return remove(flag, false);
    }

    @Override
    public Optional<FlagInfo> get(String flag) {
        FlagRecord.requireName(flag);
        ensureOpen();
        return uninterruptibly(() -> {
            Optional<FlagRecord> r = read(flag);
            if (r.isPresent() && !live(r.get())) {
                removeIfExpired(flag);
                return Optional.empty();
            }
            return r.map(rec -> rec.toInfo(flag));
        });
    }

    @Override
    public Set<String> list() {
        ensureOpen();
        return uninterruptibly(() -> {
            Set<String> names = new TreeSet<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory.path(), "*" + SUFFIX)) {
                for (Path file : files) {
                    if (file.getFileName().toString().startsWith(".")) {
                        continue;
                    }
                    readFile(file).ifPresent(nr -> {
                        if (live(nr.record)) {
                            names.add(nr.name);
                        } else {
                            removeIfExpired(nr.name);
                        }
                    });
                }
            } catch (NoSuchFileException e) {
                return names; // the directory was removed: no flags
            } catch (IOException e) {
                throw unavailable("list flags in", directory.path(), e);
            }
            return names;
        });
    }

    @Override
    public String backend() {
        return "file";
    }

    /** Marks the manager closed; its flags stay until they expire or are cleared. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "FileStatusManager[" + directory + ", " + owner + "]";
    }

    private void validate(String flag, Duration ttl) {
        FlagRecord.requireName(flag);
        FlagRecord.requireTtl(ttl);
        ensureOpen();
    }

    private boolean remove(String flag, boolean ownOnly) {
        FlagRecord.requireName(flag);
        ensureOpen();
        return uninterruptibly(() -> underGuard(() -> {
            FlagRecord.Removal outcome = read(flag)
                    .map(r -> r.removal(owner, ownOnly, clock.instant()))
                    .orElse(FlagRecord.Removal.KEEP);
            if (outcome.deletes()) {
                delete(flag);
            }
            return outcome == FlagRecord.Removal.CLEAR;
        }));
    }

    /**
     * Removes a flag a reader found expired, if it still is under the guard: between the
     * reader's look and the guard, another process may have claimed it.
     */
    private void removeIfExpired(String flag) {
        underGuard(() -> {
            if (read(flag).filter(r -> !live(r)).isPresent()) {
                delete(flag);
            }
            return null;
        });
    }

    private boolean live(FlagRecord r) {
        return !r.expiredAt(clock.instant());
    }

    /** Runs {@code op} with the interrupt flag hidden (file channels close when interrupted). */
    private static <T> T uninterruptibly(Supplier<T> op) {
        boolean interrupted = Thread.interrupted();
        try {
            return op.get();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> T underGuard(Supplier<T> change) {
        long deadline = System.nanoTime() + lockWait.toNanos();
        boolean interrupted = false;
        try {
            OsLock lock = null;
            while (lock == null) {
                try {
                    lock = OsLock.acquire(directory, guard, deadline, GUARD_POLL, () -> closed,
                            content -> false);
                    if (lock == null) {
                        throw new LockUnavailableException("another process held " + guard
                                + " for more than " + Durations.format(lockWait));
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // waits are bounded by lockWait: finish, keep the flag
                }
            }
            try (OsLock held = lock) {
                return change.get();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Optional<FlagRecord> read(String flag) {
        return readFile(directory.fileFor(flag, SUFFIX))
                .filter(nr -> nr.name.equals(flag)).map(nr -> nr.record);
    }

    /** The flag in {@code file}; empty if missing, incomplete, or a symbolic link. */
    private Optional<NamedRecord> readFile(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) {
                return Optional.empty(); // not ours: holdfast never writes links
            }
            throw unavailable("read flag file", file, e);
        }
        int nl = indexOf(bytes, (byte) '\n');
        if (nl < 0) {
            return Optional.empty();
        }
        String name = new String(bytes, 0, nl, StandardCharsets.UTF_8);
        return FlagRecord.parse(Arrays.copyOfRange(bytes, nl + 1, bytes.length))
                .map(r -> new NamedRecord(name, r));
    }

    private void write(String flag, FlagRecord record) {
        byte[] name = (flag + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = record.toBytes();
        byte[] content = Arrays.copyOf(name, name.length + body.length);
        System.arraycopy(body, 0, content, name.length, body.length);
        Path file = directory.fileFor(flag, SUFFIX);
        try {
            AtomicFiles.replace(file, content);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) { // the directory was removed
                directory.recreate();
                AtomicFiles.replace(file, content);
                return;
            }
            throw unavailable("write flag file", file, e.getCause());
        }
    }

    /** Deletes a flag file durably: the directory is fsynced, so a power loss does not undo it. */
    private void delete(String flag) {
        Path file = directory.fileFor(flag, SUFFIX);
        try {
            if (Files.deleteIfExists(file)) {
                AtomicFiles.syncDirectory(directory.path());
            }
        } catch (IOException e) {
            throw unavailable("delete flag file", file, e);
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static LockUnavailableException unavailable(String what, Path file, IOException e) {
        return new LockUnavailableException("cannot " + what + " " + file + ": " + e, e);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("file status manager is closed");
        }
    }

    /** A flag file's content. */
    private record NamedRecord(String name, FlagRecord record) {}
}
