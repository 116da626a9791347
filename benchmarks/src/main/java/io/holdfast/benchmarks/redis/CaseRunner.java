package io.holdfast.benchmarks.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one case: starts its worker JVMs, releases them together, samples Redis, collects their reports. */
final class CaseRunner {

    /** Time a case's workers get to start, plus what a case may take beyond its windows, before being killed. */
    private static final long GRACE_MILLIS = TimeUnit.SECONDS.toMillis(180);
    private static final long TAIL_NANOS = TimeUnit.MILLISECONDS.toNanos(600);

    private final BenchOptions options;
    private final ServerProbe probe;
    private final String redisUri;
    private final Path workDirectory;

    CaseRunner(BenchOptions options, ServerProbe probe, String redisUri, Path workDirectory) {
        this.options = options;
        this.probe = probe;
        this.redisUri = redisUri;
        this.workDirectory = workDirectory;
    }

    CaseResult run(ContenderKind kind, Scenario scenario, int repetition, long rttNanos)
            throws IOException, InterruptedException {
        Path dir = Files.createDirectories(workDirectory.resolve(repetition + "-" + scenario + "-" + kind.label));
        if (options.profile() != null) {
            Files.createDirectories(options.profile());
        }
        Path cellsFile = dir.resolve("cells");
        SharedCells cells = SharedCells.create(cellsFile, scenario.resources);
        Path lockDir = Files.createDirectories(dir.resolve("locks"));
        probe.flushAll();
        List<Process> workers = new ArrayList<>();
        // a hung worker would block the reads below forever: kill the case's workers past its budget
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(GRACE_MILLIS + options.warmup().toMillis() + options.measure().toMillis());
                workers.forEach(Process::destroyForcibly);
            } catch (InterruptedException done) {
                Thread.currentThread().interrupt();
            }
        }, "case-watchdog");
        watchdog.setDaemon(true);
        try {
            for (int jvm = 0; jvm < scenario.jvms; jvm++) {
                workers.add(startWorker(kind, scenario, jvm, cellsFile, lockDir, dir.resolve("worker-" + jvm + ".log")));
            }
            watchdog.start();
            List<BufferedReader> outputs = new ArrayList<>();
            for (Process worker : workers) {
                BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(),
                        StandardCharsets.UTF_8));
                String unsupported = expectReady(out, worker, dir);
                if (unsupported != null) {
                    return CaseResult.unsupported(kind, scenario, repetition, rttNanos, unsupported);
                }
                outputs.add(out);
            }
            long warmupEnd = System.nanoTime() + options.warmupNanos();
            long measureEnd = warmupEnd + options.measureNanos();
            long stopAt = measureEnd + TAIL_NANOS;
            for (Process worker : workers) {
                Writer in = new OutputStreamWriter(worker.getOutputStream(), StandardCharsets.UTF_8);
                in.write(Worker.GO + " " + warmupEnd + " " + measureEnd + " " + stopAt + "\n");
                in.flush();
            }
            Worker.sleepUntil(warmupEnd);
            Map<String, Long> before = kind.usesRedis ? probe.commandCalls() : Map.of();
            long scriptMicros = kind.usesRedis ? probe.scriptMicros() : 0;
            Worker.sleepUntil(measureEnd);
            Map<String, Long> after = kind.usesRedis ? probe.commandCalls() : Map.of();
            scriptMicros = kind.usesRedis ? probe.scriptMicros() - scriptMicros : 0;
            long[] sentExecuted = kind.usesRedis ? probe.monitorSample(TimeUnit.NANOSECONDS.toMillis(TAIL_NANOS) - 150)
                    : new long[] {0, 0};
            Aggregate aggregate = new Aggregate();
            for (int i = 0; i < workers.size(); i++) {
                aggregate.add(readReport(outputs.get(i), workers.get(i), dir));
            }
            for (Process worker : workers) {
                worker.getOutputStream().close(); // ends S5's holder, now that nobody tries any more
            }
            for (Process worker : workers) {
                if (!worker.waitFor(60, TimeUnit.SECONDS)) {
                    worker.destroyForcibly();
                }
            }
            return new CaseResult(kind, scenario, repetition, rttNanos, options.measureNanos() / 1e9,
                    aggregate.grants, aggregate.allGrants, cells.total(), aggregate.handoffs, aggregate.cpu,
                    aggregate.errors, aggregate.tokenChecks, aggregate.tokenViolations, aggregate.firstError, aggregate.diagnostics, aggregate.minThreadShare(), aggregate.waits,
                    aggregate.cycles, aggregate.handoffLatency, ServerProbe.executedBetween(before, after),
                    sentExecuted[1] == 0 ? Double.NaN : (double) sentExecuted[0] / sentExecuted[1],
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), scriptMicros, "");
        } finally {
            watchdog.interrupt();
            for (Process worker : workers) {
                worker.destroyForcibly();
            }
        }
    }

    private Process startWorker(ContenderKind kind, Scenario scenario, int jvm, Path cells, Path lockDir, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx" + options.workerHeap());
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        if (options.profile() != null) {
            Path recording = options.profile().toAbsolutePath()
                    .resolve(log.getParent().getFileName() + "-worker-" + jvm + ".jfr");
            // every park and monitor wait recorded (thread wake-ups), CPU samples at the highest rate
            command.add("-XX:StartFlightRecording=settings=profile,locking-threshold=0ms,method-profiling=max,"
                    + "dumponexit=true,filename=" + recording);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Worker.class.getName());
        command.add(kind.label);
        command.add(scenario.name());
        command.add(redisUri);
        command.add(Integer.toString(jvm));
        command.add(cells.toString());
        command.add(lockDir.toString());
        return new ProcessBuilder(command).redirectError(log.toFile()).start();
    }

    /** Waits for the worker's {@code READY}; returns null then, or why it cannot run the case. */
    private static String expectReady(BufferedReader out, Process worker, Path dir) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (Worker.READY.equals(line)) {
                return null;
            }
            if (line.startsWith(Worker.UNSUPPORTED + " ")) {
                return line.substring(Worker.UNSUPPORTED.length() + 1);
            }
            if (line.startsWith(Worker.FAILED)) {
                break;
            }
        }
        throw failure("did not get ready", line, worker, dir);
    }

    private static String readReport(BufferedReader out, Process worker, Path dir) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(Worker.REPORT + " ")) {
                return line;
            }
            if (line.startsWith(Worker.FAILED)) {
                break;
            }
        }
        throw failure("sent no report", line, worker, dir);
    }

    private static IllegalStateException failure(String what, String line, Process worker, Path dir) {
        String logs;
        try (var files = Files.list(dir)) {
            StringBuilder text = new StringBuilder();
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                List<String> lines = Files.readAllLines(log);
                text.append("\n--- ").append(log).append(" (last lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
            logs = text.toString();
        } catch (IOException | UncheckedIOException e) {
            logs = " (logs unreadable: " + e + ")";
        }
        return new IllegalStateException("worker pid " + worker.pid() + " " + what + "; last line: " + line + logs);
    }

    /** The reports of a case's workers, summed. */
    private static final class Aggregate {
        final Histogram waits = new Histogram();
        final Histogram cycles = new Histogram();
        final Histogram handoffLatency = new Histogram();
        final List<Long> perThread = new ArrayList<>();
        long grants;
        long allGrants;
        long handoffs;
        long cpu;
        long errors;
        long tokenChecks;
        long tokenViolations;
        String firstError = "";
        final List<String> diagnostics = new ArrayList<>();

        void add(String report) {
            for (String field : report.substring(Worker.REPORT.length() + 1).split(" ")) {
                int eq = field.indexOf('=');
                String key = field.substring(0, eq);
                String value = field.substring(eq + 1);
                switch (key) {
                    case "grants" -> allGrants += Long.parseLong(value);
                    case "window" -> grants += Long.parseLong(value);
                    case "handoffs" -> handoffs += Long.parseLong(value);
                    case "cpu" -> cpu += Long.parseLong(value);
                    case "errors" -> errors += Long.parseLong(value);
                    case "tokens" -> tokenChecks += Long.parseLong(value);
                    case "tokenViolations" -> tokenViolations += Long.parseLong(value);
                    case "threads" -> {
                        for (String n : value.split("/")) {
                            perThread.add(Long.parseLong(n));
                        }
                    }
                    case "wait" -> waits.add(Histogram.decode(value));
                    case "cycle" -> cycles.add(Histogram.decode(value));
                    case "handoff" -> handoffLatency.add(Histogram.decode(value));
                    case "error" -> firstError = firstError.isEmpty() ? value.replace('_', ' ') : firstError;
                    case "diag" -> diagnostics.add(value.replace('_', ' '));
                    default -> throw new IllegalStateException("unknown report field " + field);
                }
            }
        }

        double minThreadShare() {
            double mean = perThread.stream().mapToLong(Long::longValue).average().orElse(0);
            return mean == 0 ? 0 : perThread.stream().mapToLong(Long::longValue).min().orElse(0) / mean;
        }
    }
}
