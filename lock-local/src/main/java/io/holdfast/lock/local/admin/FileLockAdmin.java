package io.holdfast.lock.local.admin;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.internal.NameCodec;
import io.holdfast.lock.local.FileLockSettings;
import io.holdfast.lock.local.internal.FlagRecord;
import io.holdfast.lock.local.internal.LockDirectory;
import io.holdfast.lock.local.internal.LockRecord;
import io.holdfast.lock.local.internal.OsLock;
import io.holdfast.lock.spi.AuditRecord;
import io.holdfast.lock.spi.InstanceInfo;
import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockState;
import io.holdfast.lock.spi.QueueEntry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's view of a lock directory (see {@link LockAdmin}): the lock files
 * ({@code <encoded name>.lock}: fencing counter and holder record), the flag files and the audit
 * file {@code .audit.log}. On Linux, holders and waiting processes are read from
 * {@code /proc/locks}, so a free lock file is never touched (checked once per admin on a private
 * probe file; elsewhere each lock is probed with an instant {@code tryLock}, and waiters are not
 * seen); a held one's record is read through {@code OsLock}, which never disturbs a holder.
 *
 * <p>A forced release is impossible: an OS lock belongs to its process and no other process can
 * break it; {@link #forceRelease} names the holder's pid instead (the OS drops the lock the
 * moment that process exits). Reading never creates the directory. Thread-safe.
 */
public final class FileLockAdmin implements LockAdmin {

    private static final String LOCK_SUFFIX = ".lock";
    private static final String FLAG_SUFFIX = ".flag";
    /** The owner string {@code FileStatusManager} writes: {@code <id> (pid N on host)}. */
    private static final Pattern MANAGER_OWNER = Pattern.compile("(\\S+) \\(pid (\\d+) on (.+)\\)");

    private final Path dir;
    private volatile Boolean procLocksWork;

    private FileLockAdmin(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** An admin of the lock and flag files in {@code dir} ({@code LOCK_DIR}). */
    public static FileLockAdmin create(Path dir) {
        return new FileLockAdmin(Objects.requireNonNull(dir, "dir"));
    }

    @Override
    public String backend() {
        return "file";
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("LOCK_DIR", dir.toString());
        m.put("lock files", dir + "/<encoded name>" + LOCK_SUFFIX + " (fencing counter, holder)");
        m.put("flag files", dir + "/<encoded name>" + FLAG_SUFFIX);
        m.put("max poll interval", Durations.format(FileLockSettings.DEFAULT_MAX_POLL_INTERVAL));
        m.put("fair", Boolean.toString(FileLockSettings.DEFAULT_FAIR));
        m.put("audit file", dir + "/.audit.log (last " + FileAudit.MAX_RECORDS + " records)");
        return m;
    }

    @Override
    public List<Finding> probe() {
        List<Finding> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            out.add(new Finding("directory", dir + " does not exist", Optional.of("the first"
                    + " service creates it; check that LOCK_DIR is the directory the services use")));
            return out;
        }
        LockDirectory d = directory();
        out.add(Finding.ok("directory", d.path() + " (writable)"));
        try {
            String type = Files.getFileStore(d.path()).type();
            boolean remote = type.toLowerCase(Locale.ROOT).matches(".*(nfs|cifs|smb|fuse\\.sshfs|9p).*");
            out.add(new Finding("file system", type, remote ? Optional.of("network file systems are"
                    + " not supported: their locks may not exclude processes of other hosts")
                    : Optional.empty()));
        } catch (IOException e) {
            out.add(new Finding("file system", "unknown", Optional.of(e.toString())));
        }
        out.add(Finding.ok("lock files", Integer.toString(files(d, LOCK_SUFFIX).size())));
        out.add(procLocks(d).isPresent()
                ? Finding.ok("holders and waiters", "read from /proc/locks (no lock is taken)")
                : new Finding("holders and waiters", "probed with an instant tryLock per lock",
                        Optional.of("/proc/locks is not usable here: listing touches each lock for an"
                                + " instant, and waiting processes are not shown")));
        return out;
    }

    @Override
    public List<LockState> locks(Predicate<String> names) {
        LockDirectory d = existingDirectory();
        if (d == null) {
            return List.of();
        }
        Optional<ProcLocks> table = procLocks(d);
        List<LockState> out = new ArrayList<>();
        for (Path file : files(d, LOCK_SUFFIX)) {
            String stem = file.getFileName().toString();
            stem = stem.substring(0, stem.length() - LOCK_SUFFIX.length());
            String name = NameCodec.decode(stem).orElse(stem);
            if (names.test(name)) {
                state(name, file, table, false).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(LockState::name));
        return out;
    }

    @Override
    public Optional<LockState> inspect(String name) {
        LockDirectory d = existingDirectory();
        if (d == null) {
            return Optional.empty();
        }
        return state(name, d.fileFor(name, LOCK_SUFFIX), procLocks(d), true);
    }

    private Optional<LockState> state(String name, Path file, Optional<ProcLocks> table,
            boolean withQueue) {
        byte[] content;
        List<Long> waiters = List.of();
        List<Long> readers = List.of();
        OptionalLong osHolder = OptionalLong.empty();
        if (table.isPresent()) {
            osHolder = table.get().holder(file);
            readers = osHolder.isPresent() ? List.of() : table.get().readers(file);
            if (osHolder.isEmpty() && readers.isEmpty()) {
                return Optional.empty();
            }
            waiters = table.get().waiters(file);
        }
        // Never open a lock file directly: closing any descriptor of it drops every POSIX lock
        // this process holds on it, so a holder in this JVM would silently lose its lock.
        // OsLock.probe answers from memory while this JVM uses the file, and otherwise only
        // tests the lock, which a holder in another process keeps.
        Optional<byte[]> probed = OsLock.probe(file, LockRecord::heldByOtherLiveProcess);
        if (probed.isEmpty()) {
            return Optional.empty();
        }
        content = probed.get();
        // readers write no holder record: the table names them, the first stands for all
        Holder h = readers.isEmpty() ? Holder.parse(content, osHolder)
                : new Holder("pid " + readers.get(0), readers.get(0), "?", Instant.EPOCH, "");
        List<QueueEntry> queue = new ArrayList<>();
        for (long pid : waiters) {
            queue.add(new QueueEntry("pid " + pid, "?", Optional.empty(),
                    Optional.of(Processes.describe("pid " + pid, pid, "locks"))));
        }
        return Optional.of(new LockState(name, "file", readers.isEmpty() ? "exclusive" : "shared", h.ownerId(),
                h.thread(), h.at(), LockRecord.counter(content), Optional.empty(), waiters.size(), Optional.empty(),
                h.pid() > 0 ? Optional.of(Processes.describe(h.ownerId(), h.pid(), "locks"))
                        : Optional.empty(), withQueue ? queue : List.of(), h.record(), readers.size()));
    }

    @Override
    public List<InstanceInfo> instances() {
        Map<Long, InstanceInfo> byPid = new TreeMap<>();
        for (LockState l : locks(n -> true)) {
            l.holder().ifPresent(i -> byPid.putIfAbsent(i.pid().orElse(0), i));
            inspect(l.name()).ifPresent(full -> full.queue().forEach(q -> q.instance().ifPresent(
                    i -> byPid.putIfAbsent(i.pid().orElse(0), i))));
        }
        String host = Processes.hostName();
        for (FlagInfo f : flags()) {
            Matcher m = MANAGER_OWNER.matcher(f.owner());
            if (m.matches() && m.group(3).equals(host) && Processes.alive(Long.parseLong(m.group(2)))) {
                long pid = Long.parseLong(m.group(2));
                byPid.putIfAbsent(pid, Processes.describe(m.group(1), pid, "flags"));
            }
        }
        return List.copyOf(byPid.values());
    }

    @Override
    public List<FlagInfo> flags() {
        LockDirectory d = existingDirectory();
        return d == null ? List.of() : new FlagFiles(d).list();
    }

    @Override
    public Optional<FlagInfo> flag(String name) {
        FlagRecord.requireName(name);
        LockDirectory d = existingDirectory();
        return d == null ? Optional.empty() : new FlagFiles(d).get(name);
    }

    @Override
    public void setFlag(String name, Duration ttl, Operator operator, String reason) {
        FlagRecord.requireName(name);
        FlagRecord.requireTtl(ttl);
        new FlagFiles(directory()).set(name, ttl, operator, reason);
    }

    @Override
    public FlagClear clearFlag(String name, Operator operator, boolean force, String reason) {
        FlagRecord.requireName(name);
        LockDirectory d = existingDirectory();
        return d == null ? FlagClear.NOT_SET : new FlagFiles(d).clear(name, operator, force, reason);
    }

    @Override
    public Eviction forceRelease(LockState seen, Operator operator, String reason) {
        Optional<LockState> now = inspect(seen.name());
        if (now.isEmpty()) {
            return Eviction.refused(Eviction.Outcome.NOT_HELD, "lock '" + seen.name()
                    + "' is not held any more; nothing was done");
        }
        LockState s = now.get();
        String pid = s.holder().map(i -> Long.toString(i.pid().orElse(0))).orElse("?");
        return Eviction.refused(Eviction.Outcome.IMPOSSIBLE, "lock '" + s.name() + "' is an OS"
                + " file lock held by pid " + pid + " on " + Processes.hostName() + " ("
                + s.holderName() + ", token " + s.token() + "); no other process can break it."
                + " Stop that process (kill " + pid + "): the OS drops the lock the moment it"
                + " exits, and the next holder gets token " + (s.token() + 1) + " or more");
    }

    @Override
    public List<AuditRecord> audit(int limit) {
        LockDirectory d = existingDirectory();
        if (d == null) {
            return List.of();
        }
        try {
            return FlagFiles.audit(d).latest(limit);
        } catch (IOException e) {
            throw new LockUnavailableException("cannot read the audit file in " + dir + ": " + e, e);
        }
    }

    /** Nothing to release: files are opened per call. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        return "FileLockAdmin[" + dir + "]";
    }

    private LockDirectory directory() {
        return LockDirectory.open(dir, "lock");
    }

    /** The directory, or null when it does not exist (reads never create it). */
    private LockDirectory existingDirectory() {
        return Files.isDirectory(dir) ? directory() : null;
    }

    /** The files of {@code d} ending in {@code suffix}, without the backend's own dot-files. */
    static List<Path> files(LockDirectory d, String suffix) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(d.path(), "*" + suffix)) {
            for (Path f : files) {
                if (!f.getFileName().toString().startsWith(".")) {
                    out.add(f);
                }
            }
        } catch (IOException e) {
            throw new LockUnavailableException("cannot list " + d.path() + ": " + e, e);
        }
        return out;
    }

    /** The /proc/locks table if it describes this directory's locks (checked once). */
    private Optional<ProcLocks> procLocks(LockDirectory d) {
        if (procLocksWork == null) {
            procLocksWork = selfTest(d);
        }
        return procLocksWork ? ProcLocks.read() : Optional.empty();
    }

    /** Locks a private file and looks for that lock, with this pid, in /proc/locks. */
    private static boolean selfTest(LockDirectory d) {
        Path probe = d.privateFile("admin-probe.lock");
        try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.CREATE);
                FileLock held = ch.tryLock(0, 1, false)) {
            if (held == null) {
                return false; // another admin is testing: fall back this time
            }
            return ProcLocks.read().map(t -> t.holder(probe))
                    .filter(p -> p.isPresent() && p.getAsLong() == ProcessHandle.current().pid())
                    .isPresent();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The holder record {@link LockRecord#held} writes after the counter:
     * {@code owner-id TAB pid TAB thread TAB acquired-at-millis [TAB process-start-millis]}.
     */
    private record Holder(String ownerId, long pid, String thread, Instant at, String record) {

        static Holder parse(byte[] content, OptionalLong osPid) {
            String line = content.length <= LockRecord.COUNTER_BYTES ? ""
                    : new String(content, LockRecord.COUNTER_BYTES,
                            content.length - LockRecord.COUNTER_BYTES, StandardCharsets.UTF_8);
            String[] p = line.split("\t", -1);
            long fallbackPid = osPid.orElse(0);
            if (p.length != 4 && p.length != 5) {
                return new Holder("unknown (record being written)", fallbackPid, "?", Instant.EPOCH, line);
            }
            try {
                return new Holder(p[0], Long.parseLong(p[1]), p[2],
                        Instant.ofEpochMilli(Long.parseLong(p[3])), line);
            } catch (NumberFormatException e) {
                return new Holder("unknown (unreadable record)", fallbackPid, "?", Instant.EPOCH, line);
            }
        }
    }
}
