package io.holdfast.reliability.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class on this JVM's class path, with its output in a file. It can be
 * frozen, resumed and killed by pid. A shutdown hook kills workers still running when this JVM exits.
 * Thread-safe.
 */
public final class WorkerJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path output;

    private WorkerJvm(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /**
     * Starts {@code java -cp <this class path> <mainClass> <args>} with a small heap and its
     * stdout and stderr appended to {@code output}.
     *
     * @throws UncheckedIOException if the JVM cannot be started
     */
    public static WorkerJvm start(String name, Class<?> mainClass, Path output, List<String> args) {
        Objects.requireNonNull(mainClass, "mainClass");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        try {
            Files.createDirectories(output.toAbsolutePath().getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
            WorkerJvm worker = new WorkerJvm(name, process, output);
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, name + "-reaper"));
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker JVM " + name, e);
        }
    }

    /** The worker's name. */
    public String name() {
        return name;
    }

    /** The operating-system pid. */
    public long pid() {
        return process.pid();
    }

    /** True while the process exists (also while frozen). */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Freezes the JVM with SIGSTOP. */
    public void stop() {
        Signals.stop(pid());
    }

    /** Resumes the JVM with SIGCONT. */
    public void cont() {
        Signals.cont(pid());
    }

    /** Kills the JVM with SIGKILL and waits until it is gone. */
    public void kill() {
        Signals.kill(pid());
    }

    /**
     * Waits for the worker to exit by itself.
     *
     * @return its exit code
     * @throws IllegalStateException if it is still running after {@code timeout} (it is then killed),
     *     with the tail of its output
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("worker " + name + " did not finish within " + timeout + "; output:\n"
                    + outputTail());
        }
        return process.exitValue();
    }

    /** The last 40 lines of the worker's output, for failure messages. */
    public String outputTail() {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + output + ": " + e + ")";
        }
    }

    /** The file holding the worker's output. */
    public Path output() {
        return output;
    }

    /** Kills the worker if it still runs (resuming it first if frozen does not matter to SIGKILL). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "WorkerJvm[" + name + ", pid " + process.pid() + (process.isAlive() ? "" : ", exited") + "]";
    }
}
