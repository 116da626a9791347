package io.holdfast.examples;

import io.holdfast.examples.inverter.InverterWorkers;
import io.holdfast.examples.inverter.WorkerReport;
import io.holdfast.examples.support.ChildJvm;
import io.holdfast.examples.support.DurationOption;
import io.holdfast.lock.LockService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Several workers poll one simulated inverter under the {@code inverter_read} lock, some of them
 * also running force-charge cycles as the exclusive task {@code charge-running}
 * ({@link io.holdfast.lock.ExclusiveTasks}: skipped while another worker runs one). The backend
 * comes from the environment ({@link LockService#fromEnvironment()}): with nothing set, host-wide
 * file locks in a temp directory, so no server is needed.
 *
 * <p>Exit code 0 when the device saw no overlapping session and no overlapping charge cycle, 1
 * otherwise.
 */
@Command(name = "inverter-demo", mixinStandardHelpOptions = true,
        description = "Workers poll a simulated inverter under a holdfast lock and report overlaps.")
public final class InverterDemo implements Callable<Integer> {

    @Option(names = "--workers", description = "worker threads per process (default ${DEFAULT-VALUE})")
    int workers = 4;

    @Option(names = "--processes", description = "worker processes, this one included (default ${DEFAULT-VALUE})")
    int processes = 1;

    @Option(names = "--duration", description = "how long to run, e.g. 10s (default ${DEFAULT-VALUE})",
            converter = DurationOption.class)
    Duration duration = Duration.ofSeconds(10);

    @Option(names = "--poll-time", description = "time a poll holds the lock (default ${DEFAULT-VALUE})",
            converter = DurationOption.class)
    Duration pollTime = Duration.ofMillis(2);

    @Option(names = "--wait", description = "how long a worker waits for the lock (default ${DEFAULT-VALUE})",
            converter = DurationOption.class)
    Duration lockWait = Duration.ofSeconds(10);

    @Option(names = "--charge-workers", description = "workers per process that also run force-charge cycles (default ${DEFAULT-VALUE})")
    int chargeWorkers = 1;

    @Option(names = "--device-dir", description = "directory of the simulated inverter (default: a new temp dir)")
    Path deviceDir;

    @Option(names = "--child", hidden = true)
    boolean child;

    @Option(names = "--quiet", description = "no progress line")
    boolean quiet;

    private final Map<String, String> env;
    private WorkerReport lastReport;

    /** A demo that reads its backend from this process's environment. */
    public InverterDemo() {
        this(System.getenv());
    }

    /** A demo that reads its backend from {@code env} (and passes it to its worker processes). */
    InverterDemo(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Runs the demo; see {@code --help}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new InverterDemo()).execute(args));
    }

    /** The merged report of the last run, or null. */
    WorkerReport lastReport() {
        return lastReport;
    }

    @Override
    public Integer call() throws Exception {
        if (workers < 1 || processes < 1 || chargeWorkers < 0 || chargeWorkers > workers) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "need --workers ≥ 1, --processes ≥ 1 and 0 ≤ --charge-workers ≤ --workers");
        }
        if (deviceDir == null) {
            deviceDir = Files.createTempDirectory("holdfast-inverter-");
        }
        try (LockService service = LockService.fromEnvironment(env)) {
            InverterWorkers run = new InverterWorkers(service, deviceDir, workers, chargeWorkers,
                    pollTime, lockWait);
            if (child) {
                System.out.println(run.run(duration, null).toLine());
                return 0;
            }
            List<Process> children = startChildren();
            WorkerReport total = run.run(duration, quiet ? null : this::progress);
            for (Process p : children) {
                total.merge(WorkerReport.parse(ChildJvm.awaitLine(p, WorkerReport.PREFIX)));
            }
            lastReport = total;
            printReport(service.backend(), total);
            return total.overlaps() == 0 && total.chargeOverlaps() == 0 ? 0 : 1;
        }
    }

    private List<Process> startChildren() throws Exception {
        List<Process> children = new ArrayList<>();
        for (int i = 1; i < processes; i++) {
            children.add(ChildJvm.start(InverterDemo.class, List.of("--child",
                    "--workers", String.valueOf(workers), "--charge-workers", String.valueOf(chargeWorkers),
                    "--duration", DurationOption.format(duration), "--poll-time", DurationOption.format(pollTime),
                    "--wait", DurationOption.format(lockWait), "--device-dir", deviceDir.toString()), env));
        }
        return children;
    }

    private void progress(Duration elapsed, WorkerReport soFar) {
        // a live line on a terminal; one line per second when the output is a file or a pipe
        String lead = System.console() != null ? "\r" : "";
        String tail = System.console() != null ? "   " : "%n";
        System.out.printf(Locale.ROOT, lead + "[%5.1fs] polls %d  overlaps %d  stale %d  charges %d  timeouts %d" + tail,
                elapsed.toMillis() / 1000.0, soFar.polls(), soFar.overlaps(), soFar.staleRejected(),
                soFar.chargeCycles(), soFar.timeouts());
        System.out.flush();
    }

    private void printReport(String backend, WorkerReport r) {
        boolean ok = r.overlaps() == 0 && r.chargeOverlaps() == 0;
        System.out.println();
        System.out.printf(Locale.ROOT, "holdfast InverterDemo: backend %s, %d process(es) x %d workers, %s%n",
                backend, processes, workers, duration.toMillis() + "ms");
        System.out.printf(Locale.ROOT, "  polls                  %d%n", r.polls());
        System.out.printf(Locale.ROOT, "  overlapping sessions   %d%n", r.overlaps());
        System.out.printf(Locale.ROOT, "  stale tokens rejected  %d%n", r.staleRejected());
        System.out.printf(Locale.ROOT, "  charge cycles          %d (overlapping: %d, skipped while another ran: %d)%n",
                r.chargeCycles(), r.chargeOverlaps(), r.chargeSkipped());
        System.out.printf(Locale.ROOT, "  lock timeouts          %d%n", r.timeouts());
        System.out.printf(Locale.ROOT, "  wait p50 / p99 / max   %s / %s / %s%n", ms(r.waits().getValueAtPercentile(50)),
                ms(r.waits().getValueAtPercentile(99)), ms(r.waits().getMaxValue()));
        System.out.println(ok ? "  result: OK, no overlapping access" : "  result: FAILED, overlapping access detected");
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
}
