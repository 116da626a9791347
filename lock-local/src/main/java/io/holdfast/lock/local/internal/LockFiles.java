package io.holdfast.lock.local.internal;

import io.holdfast.lock.LockUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * File operations of {@link OsLock}: identity, creation and opening without following links,
 * and byte-range locks. Byte ranges: the lock region is {@code [0, COUNTER_BYTE)} (the content
 * and far beyond; exclusive for a writer, shared for readers), then the counter byte, the intent
 * byte, the waiters byte and the gate byte.
 */
public final class LockFiles {

    /** The gate byte: shared-locked by the one descriptor of this JVM that may use the file. */
    static final long GATE_BYTE = Long.MAX_VALUE - 1;
    /** The waiters byte: shared-locked by processes waiting for the lock region. */
    public static final long WAITERS_BYTE = Long.MAX_VALUE - 2;
    /** The intent byte: shared-locked by processes whose exclusive request waits. */
    static final long INTENT_BYTE = Long.MAX_VALUE - 3;
    /**
     * The counter byte: locked exclusively for the moment a shared holder raises the fencing
     * counter (shared holders of several processes may do so at once).
     */
    static final long COUNTER_BYTE = Long.MAX_VALUE - 4;
    /** The size of the lock region {@code [0, COUNTER_BYTE)}. */
    static final long LOCK_REGION = COUNTER_BYTE;

    private LockFiles() {}

    /** The identity of {@code file} (created if missing), as the key of its permit. */
    static Object identify(LockDirectory dir, Path file, ParkedChannels parked) {
        for (int attempt = 0; ; attempt++) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (a.isSymbolicLink()) {
                    throw new LockUnavailableException(file + " is a symbolic link: holdfast does"
                            + " not follow links in its directory, since one could make it"
                            + " overwrite another file; remove the link");
                }
                if (!a.isRegularFile()) {
                    throw new LockUnavailableException(file + " is not a regular file; remove it");
                }
                return a.fileKey() != null ? a.fileKey() : file;
            } catch (NoSuchFileException e) {
                if (attempt >= 3) {
                    throw new LockUnavailableException("cannot create lock file " + file
                            + ": it was removed again " + attempt + " times", e);
                }
                create(dir, file, parked);
            } catch (IOException e) {
                throw new LockUnavailableException("cannot read lock file " + file + ": " + e, e);
            }
        }
    }

    /** The identity of the file {@code file} names now, or null if none. */
    static Object identityOrNull(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? (a.fileKey() != null ? a.fileKey() : file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Creates a missing lock file, never through a link; creates a missing directory again. */
    private static void create(LockDirectory dir, Path file, ParkedChannels parked) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (FileAlreadyExistsException e) {
            return; // created meanwhile, or a link: identify decides
        } catch (NoSuchFileException e) {
            dir.recreate();
            return;
        } catch (IOException e) {
            throw new LockUnavailableException("cannot create lock file " + file + ": " + e, e);
        }
        parked.dispose(ch);
    }

    /** Opens an existing lock file for reading and writing, not through a link; null if missing. */
    static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            if (Files.isSymbolicLink(file)) {
                throw new LockUnavailableException(file + " is a symbolic link: holdfast does not"
                        + " follow links in its directory; remove the link", e);
            }
            throw e;
        }
    }

    /**
     * A lock on a range, or null if another process has a conflicting lock or another descriptor
     * of this JVM has an overlapping one.
     */
    static FileLock tryLock(FileChannel ch, long position, long size, boolean shared)
            throws IOException {
        try {
            return ch.tryLock(position, size, shared);
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /** The gate of {@code ch}'s file, or null while another descriptor of this JVM has it. */
    static FileLock tryGate(FileChannel ch) throws IOException {
        return tryLock(ch, GATE_BYTE, 1, true);
    }

    /** True if another process announces that it waits for the lock on {@code ch}'s file. */
    static boolean othersWait(FileChannel ch) {
        return othersHold(ch, WAITERS_BYTE);
    }

    /**
     * True if another process announces an exclusive request for {@code ch}'s file: new shared
     * holders then wait for it (writer preference across processes).
     */
    static boolean othersIntend(FileChannel ch) {
        return othersHold(ch, INTENT_BYTE);
    }

    private static boolean othersHold(FileChannel ch, long announcementByte) {
        try {
            FileLock test = tryLock(ch, announcementByte, 1, false);
            if (test == null) {
                return true;
            }
            test.release();
            return false;
        } catch (IOException e) {
            return false; // only fairness is at stake
        }
    }

    /** Reads the whole file with positional reads (the channel's position is not used). */
    static byte[] readAll(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 64 * 1024));
        while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
            // keep reading
        }
        return buf.flip().remaining() == buf.capacity() ? buf.array()
                : Arrays.copyOf(buf.array(), buf.remaining());
    }

    /** Closes a descriptor; only for one that has the gate (or never could have a lock). */
    static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do: the descriptor is gone either way
            }
        }
    }
}
