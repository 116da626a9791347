package io.holdfast.lock.local.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The POSIX record locks of this host as Linux lists them in {@code /proc/locks}, so that the
 * admin can tell who holds and who waits for a lock file <em>without taking any lock</em> (a
 * probe by {@code tryLock} would hold the lock for an instant and could make a holder's
 * single attempt fail). {@code FileLockManager} holds the lock region from offset 0
 * exclusively (a writer) or shared (readers), and a waiting process holds a shared lock on the waiters byte
 * ({@value #WAITERS_BYTE}, see {@code OsLock}). Unavailable elsewhere than on Linux.
 */
final class ProcLocks {

    /** The waiters byte of a lock file. */
    static final long WAITERS_BYTE = io.holdfast.lock.local.internal.LockFiles.WAITERS_BYTE;
    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private final Map<String, Locks> byFile;

    private ProcLocks(Map<String, Locks> byFile) {
        this.byFile = byFile;
    }

    /** The current table, or empty where {@code /proc/locks} cannot be read. */
    static Optional<ProcLocks> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(PROC_LOCKS);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        Map<String, Locks> byFile = new HashMap<>();
        for (String line : lines) {
            // "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; "->" marks a blocked request
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || line.contains("->") || !f[1].equals("POSIX")) {
                continue;
            }
            long pid;
            long start;
            long end;
            try {
                pid = Long.parseLong(f[4]);
                start = Long.parseLong(f[6]);
                end = f[7].equals("EOF") ? Long.MAX_VALUE : Long.parseLong(f[7]);
            } catch (NumberFormatException e) {
                continue;
            }
            Locks l = byFile.computeIfAbsent(f[5], k -> new Locks());
            if (f[3].equals("WRITE") && start == 0) {
                l.holder = pid;
            } else if (f[3].equals("READ") && start == 0) {
                l.readers.add(pid);
            } else if (f[3].equals("READ") && start <= WAITERS_BYTE && WAITERS_BYTE <= end) {
                // the kernel merges a process's adjacent shared ranges (intent, waiters, gate)
                l.waiters.add(pid);
            }
        }
        return Optional.of(new ProcLocks(byFile));
    }

    /** The holder pid of {@code file}'s lock, if held ({@code 0}: a holder in another pid namespace). */
    OptionalLong holder(Path file) {
        Locks l = byFile.get(id(file));
        return l == null || l.holder < 0 ? OptionalLong.empty() : OptionalLong.of(l.holder);
    }

    /** The pids of processes holding {@code file}'s lock shared (readers), in table order. */
    List<Long> readers(Path file) {
        Locks l = byFile.get(id(file));
        return l == null ? List.of() : l.readers;
    }

    /** The pids of processes announcing that they wait for {@code file}'s lock. */
    List<Long> waiters(Path file) {
        Locks l = byFile.get(id(file));
        return l == null ? List.of() : l.waiters;
    }

    /** {@code major:minor:inode} as {@code /proc/locks} prints it (hex device numbers). */
    static String id(Path file) {
        try {
            long dev = (Long) Files.getAttribute(file, "unix:dev");
            long ino = (Long) Files.getAttribute(file, "unix:ino");
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & 0xfffff000L);
            long minor = (dev & 0xff) | ((dev >>> 12) & 0xffffff00L);
            return String.format("%02x:%02x:%d", major, minor, ino);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "";
        }
    }

    /** The locks of one file. */
    private static final class Locks {
        long holder = -1;
        final List<Long> readers = new ArrayList<>();
        final List<Long> waiters = new ArrayList<>();
    }
}
