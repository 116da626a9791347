package io.holdfast.lock.local.internal;

import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.NameCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A directory holding one file per name. Names map to file names with
 * {@link NameCodec#encode}: lower-case letters, digits, '-' and '_' stay, everything else becomes
 * {@code %XX}, so distinct names never share a file, even on case-insensitive file systems, and no
 * name can escape the directory or hit a reserved device name.
 */
public final class LockDirectory {

    /** Longest encoded file name stem; longer names are hashed. Leaves room for suffixes. */
    private static final int MAX_STEM = 200;

    private final Path path;

    private LockDirectory(Path path) {
        this.path = path;
    }

    /**
     * Opens {@code dir}, creating it if missing, and checks that this process can write there.
     *
     * @throws LockUnavailableException naming the directory if it cannot be created or written
     */
    public static LockDirectory open(Path dir, String purpose) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
            Path real = abs.toRealPath();
            if (!Files.isDirectory(real) || !Files.isWritable(real)) {
                throw new LockUnavailableException(purpose + " directory " + real + " is not a"
                        + " writable directory; grant this process write access or choose another one");
            }
            return new LockDirectory(real);
        } catch (IOException e) {
            throw new LockUnavailableException("cannot create " + purpose + " directory " + abs + ": "
                    + e + "; grant this process write access or choose another directory", e);
        }
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

    @Override
    public String toString() {
        return path.toString();
    }
}
