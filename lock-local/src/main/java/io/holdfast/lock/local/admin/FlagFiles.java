package io.holdfast.lock.local.admin;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.local.AtomicFiles;
import io.holdfast.lock.local.internal.FlagRecord;
import io.holdfast.lock.local.internal.LockDirectory;
import io.holdfast.lock.local.internal.OsLock;
import io.holdfast.lock.spi.AuditRecord;
import io.holdfast.lock.spi.LockAdmin.FlagClear;
import io.holdfast.lock.spi.LockAdmin.Operator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The flag files of a lock directory as {@code FileStatusManager} writes them
 * ({@code <encoded name>.flag}: the name, a newline, then a {@link FlagRecord}), changed under the
 * same guard ({@code .flags.lock}), and the audit file every change is recorded in.
 */
final class FlagFiles {

    private static final String FLAG_SUFFIX = ".flag";
    private static final Duration GUARD_WAIT = Duration.ofSeconds(5);
    private static final Duration GUARD_POLL = Duration.ofMillis(2);

    private final LockDirectory d;

    FlagFiles(LockDirectory d) {
        this.d = d;
    }

    /** The audit file of {@code d}. */
    static FileAudit audit(LockDirectory d) {
        return new FileAudit(d.privateFile("audit.log"));
    }

    List<FlagInfo> list() {
        Instant now = Instant.now();
        List<FlagInfo> out = new ArrayList<>();
        for (Path file : FileLockAdmin.files(d, FLAG_SUFFIX)) {
            readFlag(file).filter(f -> now.isBefore(f.expiresAt())).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(FlagInfo::name));
        return out;
    }

    Optional<FlagInfo> get(String name) {
        Instant now = Instant.now();
        return readFlag(d.fileFor(name, FLAG_SUFFIX))
                .filter(f -> f.name().equals(name) && now.isBefore(f.expiresAt()));
    }

    void set(String name, Duration ttl, Operator operator, String reason) {
        underGuard(() -> {
            Optional<FlagInfo> before = get(name);
            byte[] head = (name + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] body = FlagRecord.of(operator.ownerId(), Instant.now(), ttl).toBytes();
            byte[] content = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, content, head.length, body.length);
            AtomicFiles.write(d.fileFor(name, FLAG_SUFFIX), content);
            record(new AuditRecord(Instant.now(), AuditRecord.FLAG_SET, name, operator.toString(),
                    reason, before.map(f -> "replaced " + f.owner()).orElse(""), 0, 0));
            return null;
        });
    }

    FlagClear clear(String name, Operator operator, boolean force, String reason) {
        return underGuard(() -> {
            Optional<FlagInfo> f = get(name);
            if (f.isEmpty()) {
                return FlagClear.NOT_SET;
            }
            if (!force && !f.get().owner().equals(operator.ownerId())) {
                return FlagClear.OTHER_OWNER;
            }
            Path file = d.fileFor(name, FLAG_SUFFIX);
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new LockUnavailableException("cannot delete flag file " + file + ": " + e, e);
            }
            record(new AuditRecord(Instant.now(), AuditRecord.FLAG_CLEAR, name,
                    operator.toString(), reason, f.get().owner(), 0, 0));
            return FlagClear.CLEARED;
        });
    }

    private void record(AuditRecord r) {
        try {
            audit(d).append(r);
        } catch (IOException | RuntimeException e) {
            throw new LockUnavailableException("the change was made, but its audit record could not"
                    + " be written to " + audit(d).file() + ": " + e, e);
        }
    }

    private static Optional<FlagInfo> readFlag(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LockUnavailableException("cannot read " + file + ": " + e, e);
        }
        int nl = 0;
        while (nl < bytes.length && bytes[nl] != '\n') {
            nl++;
        }
        if (nl >= bytes.length) {
            return Optional.empty();
        }
        String name = new String(bytes, 0, nl, StandardCharsets.UTF_8);
        return FlagRecord.parse(Arrays.copyOfRange(bytes, nl + 1, bytes.length))
                .map(r -> r.toInfo(name));
    }

    private <T> T underGuard(Supplier<T> change) {
        Path guard = d.privateFile("flags.lock"); // FileStatusManager's guard
        OsLock lock;
        try {
            lock = OsLock.acquire(d, guard, System.nanoTime() + GUARD_WAIT.toNanos(), GUARD_POLL,
                    () -> false, content -> false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockUnavailableException("interrupted while waiting for " + guard, e);
        }
        if (lock == null) {
            throw new LockUnavailableException("another process held " + guard + " for more than "
                    + Durations.format(GUARD_WAIT));
        }
        try (lock) {
            return change.get();
        }
    }
}
