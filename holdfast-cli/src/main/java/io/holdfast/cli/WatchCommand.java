package io.holdfast.cli;

import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.spi.LockState;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code holdfast watch [PATTERN]}: the locks table, refreshed. */
@Command(name = "watch", description = "Show the locks table and refresh it every second (Ctrl-C"
        + " to stop); with --json, one JSON document per line per refresh.")
final class WatchCommand extends BaseCommand {

    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    @Parameters(arity = "0..1", paramLabel = "PATTERN", description = "glob on names: * and ?")
    String pattern;

    @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION",
            description = "refresh period (default 1s)")
    String interval;

    @Option(names = "--count", defaultValue = "0", description = "stop after this many refreshes"
            + " (default 0: until interrupted)")
    int count;

    @Override
    int run(Targets targets) {
        Duration every;
        try {
            every = Durations.requireAtLeast("--interval", Durations.parse("--interval", interval),
                    Duration.ofMillis(100));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        PrintWriter out = out();
        boolean terminal = System.console() != null && !json();
        for (int n = 1; count == 0 || n <= count; n++) {
            long start = System.nanoTime();
            List<LockState> locks = LocksCommand.read(targets, pattern);
            if (json()) {
                Map<String, Object> m = Json.object();
                m.put("at", Instant.now().toString());
                m.put("locks", locks.stream().map(Views::lock).toList());
                out.println(Json.line(m));
            } else {
                out.print(terminal ? CLEAR_SCREEN : n > 1 ? "\n" : "");
                out.println("holdfast watch " + (pattern == null ? "" : pattern + " ") + "at "
                        + Text.time(Instant.now()) + " (every " + Text.duration(every) + ")");
                out.print(LocksCommand.table(targets, locks));
            }
            out.flush();
            if (count != 0 && n == count) {
                break;
            }
            try {
                Thread.sleep(Math.max(0, every.toMillis() - (System.nanoTime() - start) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ExitCodes.OK;
    }
}
