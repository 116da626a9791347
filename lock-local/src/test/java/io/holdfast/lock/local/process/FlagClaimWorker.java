package io.holdfast.lock.local.process;

import io.holdfast.lock.local.FileStatusManager;
import io.holdfast.lock.local.FileStatusSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Claims flag {@code round-N} with setIfAbsent at the same wall-clock moment as the other workers,
 * for each round, and prints {@code ROUND N WON|LOST}. Args: directory, rounds, go file (holding
 * the start time in epoch millis, written once every worker printed READY).
 */
public final class FlagClaimWorker {

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[1]);
        Path go = Path.of(args[2]);
        try (FileStatusManager flags = FileStatusManager.create(FileStatusSettings.of(Path.of(args[0])))) {
            System.out.println("READY");
            while (!Files.exists(go) || Files.size(go) == 0) {
                Thread.sleep(1);
            }
            long start = Long.parseLong(Files.readString(go).trim());
            for (int r = 0; r < rounds; r++) {
                long at = start + r * 100L;
                while (System.currentTimeMillis() < at) {
                    Thread.onSpinWait();
                }
                boolean won = flags.setIfAbsent("round-" + r, Duration.ofMinutes(5));
                System.out.println("ROUND " + r + (won ? " WON" : " LOST"));
            }
        }
        System.out.println("DONE");
    }
}
