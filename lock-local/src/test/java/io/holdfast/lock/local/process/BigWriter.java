package io.holdfast.lock.local.process;

import io.holdfast.lock.local.AtomicFiles;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Rewrites one file with {@link AtomicFiles#write} in a loop, so that its temporary file exists
 * most of the time; prints {@code WROTE <n>} after each write and {@code FAILED <error>} if one
 * fails. Args: target, megabytes.
 */
public final class BigWriter {

    public static void main(String[] args) {
        Path target = Path.of(args[0]);
        byte[] content = new byte[Integer.parseInt(args[1]) << 20];
        for (int n = 1; ; n++) {
            Arrays.fill(content, (byte) ('a' + n % 26));
            try {
                AtomicFiles.write(target, content);
            } catch (RuntimeException e) {
                System.out.println("FAILED " + e);
                return;
            }
            System.out.println("WROTE " + n);
        }
    }
}
