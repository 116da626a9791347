package io.holdfast.lock.local.process;

import io.holdfast.lock.local.FileStatusManager;
import io.holdfast.lock.local.FileStatusSettings;
import java.nio.file.Path;
import java.time.Duration;

/** Sets and clears flag {@code gone}, then prints {@code DONE}. Args: directory. */
public final class FlagClearWorker {

    public static void main(String[] args) {
        try (FileStatusManager flags = FileStatusManager.create(FileStatusSettings.of(Path.of(args[0])))) {
            flags.set("gone", Duration.ofMinutes(1));
            if (!flags.clear("gone")) {
                throw new IllegalStateException("not cleared");
            }
        }
        System.out.println("DONE");
    }
}
