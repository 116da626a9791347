package io.holdfast.lock.local.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Descriptors that could not be closed safely because another copy of holdfast in this JVM had
 * the file's gate: one per file identity for reuse, and those whose identity is unknown (the path
 * named another file when parked). Each is closed once it gets the gate: closing a descriptor
 * without it could drop another copy's lock.
 */
final class ParkedChannels {

    private final ConcurrentHashMap<Object, FileChannel> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<FileChannel, Boolean> unknown = new ConcurrentHashMap<>();

    /** The parked descriptor of {@code key}, now the caller's, or null. */
    FileChannel take(Object key) {
        if (byKey.isEmpty()) {
            return null;
        }
        FileChannel ch = byKey.remove(key);
        return ch != null && ch.isOpen() ? ch : null;
    }

    /**
     * Keeps {@code ch}, opened as {@code file} of identity {@code key}, for reuse; if the path
     * names another file now, the descriptor's identity is unknown and it is not reused.
     */
    void park(Object key, FileChannel ch, Path file) {
        if (!key.equals(LockFiles.identityOrNull(file)) || byKey.putIfAbsent(key, ch) != null) {
            dispose(ch);
        }
    }

    /** Closes {@code ch} if it can get the gate, else keeps it until it can. */
    void dispose(FileChannel ch) {
        if (!closeIfGated(ch)) {
            unknown.put(ch, Boolean.TRUE);
        }
    }

    /** Closes every parked descriptor that can get its gate now. */
    void drain() {
        if (byKey.isEmpty() && unknown.isEmpty()) {
            return;
        }
        for (var e : byKey.entrySet()) {
            if (byKey.remove(e.getKey(), e.getValue()) && !closeIfGated(e.getValue())
                    && byKey.putIfAbsent(e.getKey(), e.getValue()) != null) {
                unknown.put(e.getValue(), Boolean.TRUE);
            }
        }
        for (FileChannel ch : unknown.keySet()) {
            if (unknown.remove(ch) != null && !closeIfGated(ch)) {
                unknown.put(ch, Boolean.TRUE);
            }
        }
    }

    private static boolean closeIfGated(FileChannel ch) {
        boolean interrupted = Thread.interrupted(); // else the channel would close itself
        try {
            if (!ch.isOpen()) {
                return true;
            }
            FileLock gate = LockFiles.tryGate(ch);
            if (gate == null) {
                return false;
            }
            ch.close(); // with the gate: no other descriptor of this JVM locks the file
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
