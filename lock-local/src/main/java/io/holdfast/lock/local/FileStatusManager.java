package io.holdfast.lock.local;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.local.internal.FlagRecord;
import io.holdfast.lock.local.internal.LockDirectory;
import io.holdfast.lock.local.internal.OsLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
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
 * directory's {@code .flags.lock} file, so a claim is atomic across processes, including the race
 * of two processes replacing the same expired flag. Files are replaced by an atomic rename after
 * fsync ({@link AtomicFiles#write}), so a crash never leaves a torn flag; reads take no lock.
 * TTLs are checked on read against the wall clock, which the processes must share. Thread-safe.
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
     * @throws LockUnavailableException naming the directory if it cannot be created or written
     */
    public static FileStatusManager create(FileStatusSettings settings) {
        return new FileStatusManager(Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public void set(String flag, Duration ttl) {
        validate(flag, ttl);
        underGuard(() -> {
            write(flag, FlagRecord.of(owner, clock.instant(), ttl));
            return null;
        });
    }

    @Override
    public boolean setIfAbsent(String flag, Duration ttl) {
        validate(flag, ttl);
        return underGuard(() -> {
            if (read(flag).filter(this::live).isPresent()) {
                return false;
            }
            write(flag, FlagRecord.of(owner, clock.instant(), ttl)); // timed after the wait
            return true;
        });
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
        Optional<FlagRecord> r = read(flag);
        if (r.isPresent() && !live(r.get())) {
            remove(flag, false); // an expired file is cleaned, under the guard
            return Optional.empty();
        }
        return r.map(rec -> rec.toInfo(flag));
    }

    @Override
    public Set<String> list() {
        ensureOpen();
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
                        remove(nr.name, false);
                    }
                });
            }
        } catch (IOException e) {
            throw unavailable("list flags in", directory.path(), e);
        }
        return names;
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
        return underGuard(() -> {
            FlagRecord.Removal outcome = read(flag)
                    .map(r -> r.removal(owner, ownOnly, clock.instant()))
                    .orElse(FlagRecord.Removal.KEEP);
            if (outcome.deletes()) {
                delete(flag);
            }
            return outcome == FlagRecord.Removal.CLEAR;
        });
    }

    private boolean live(FlagRecord r) {
        return !r.expiredAt(clock.instant());
    }

    private <T> T underGuard(Supplier<T> change) {
        OsLock lock;
        try {
            lock = OsLock.acquire(guard, System.nanoTime() + lockWait.toNanos(), GUARD_POLL,
                    () -> closed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockUnavailableException("interrupted while waiting for " + guard, e);
        }
        if (lock == null) {
            throw new LockUnavailableException("another process held " + guard + " for more than "
                    + io.holdfast.lock.internal.Durations.format(lockWait));
        }
        try (lock) {
            return change.get();
        }
    }

    private Optional<FlagRecord> read(String flag) {
        return readFile(directory.fileFor(flag, SUFFIX))
                .filter(nr -> nr.name.equals(flag)).map(nr -> nr.record);
    }

    private Optional<NamedRecord> readFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
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
        try {
            AtomicFiles.write(directory.fileFor(flag, SUFFIX), content);
        } catch (UncheckedIOException e) {
            throw unavailable("write flag file", directory.fileFor(flag, SUFFIX), e.getCause());
        }
    }

    private void delete(String flag) {
        Path file = directory.fileFor(flag, SUFFIX);
        try {
            Files.deleteIfExists(file);
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
