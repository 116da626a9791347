package io.holdfast.lock.local.process;

import io.holdfast.lock.local.FileStatusManager;
import io.holdfast.lock.local.FileStatusSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Claims flags with setIfAbsent at the same wall-clock moments as the other workers and prints
 * {@code ROUND N WON|LOST <before-millis> <after-millis>}. In mode {@code fresh} round N claims
 * its own flag {@code round-N}; in mode {@code expired} every round claims flag {@code shared},
 * whose earlier claim has expired by then, so the rounds race to replace an expired file.
 * Args: directory, rounds, go file (holding the start time in epoch millis, written once every
 * worker printed READY), mode, ttl millis, round spacing millis.
 */
public final class FlagClaimWorker {

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[1]);
        Path go = Path.of(args[2]);
        boolean fresh = args[3].equals("fresh");
        Duration ttl = Duration.ofMillis(Long.parseLong(args[4]));
        long spacing = Long.parseLong(args[5]);
        try (FileStatusManager flags = FileStatusManager.create(FileStatusSettings.of(Path.of(args[0])))) {
            System.out.println("READY");
            while (!Files.exists(go) || Files.size(go) == 0) {
                Thread.sleep(1);
            }
            long start = Long.parseLong(Files.readString(go).trim());
            for (int r = 0; r < rounds; r++) {
                long at = start + r * spacing;
                while (System.currentTimeMillis() < at) {
                    Thread.onSpinWait();
                }
                long before = System.currentTimeMillis();
                boolean won = flags.setIfAbsent(fresh ? "round-" + r : "shared", ttl);
                long after = System.currentTimeMillis();
                System.out.println("ROUND " + r + (won ? " WON " : " LOST ") + before + " " + after);
            }
        }
        System.out.println("DONE");
    }
}
