package io.holdfast.lock.testkit.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every child process the kit starts, so none outlives the test run:
 * <ul>
 *   <li>a shutdown hook kills the ones still alive when the JVM exits normally;</li>
 *   <li>children are started through {@code setpriv --pdeathsig KILL} (when available) from one
 *       long-lived thread, so the kernel kills them when the JVM is killed with SIGKILL (the signal
 *       follows the death of the thread that forked the child, hence the dedicated thread);</li>
 *   <li>a pid file per child under {@code target/redis-testkit/pids} lets the next run kill leftovers of
 *       a JVM that died anyway (pid reuse is ruled out by comparing the process start time).</li>
 * </ul>
 */
final class Processes {

    private static final Logger LOG = LoggerFactory.getLogger(Processes.class);
    private static final Path ROOT = Paths.get(System.getProperty("holdfast.testkit.redis.dir",
            Paths.get("target", "redis-testkit").toString())).toAbsolutePath();
    private static final Path PIDS = ROOT.resolve("pids");
    private static final long SELF = ProcessHandle.current().pid();
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final boolean SETPRIV = new File("/usr/bin/setpriv").canExecute()
            && !Boolean.getBoolean("holdfast.testkit.redis.noPdeathsig");
    /** Never terminates while the JVM runs: see the class comment. */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "redis-testkit-launcher");
        thread.setDaemon(true);
        return thread;
    });

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Processes::killAll, "redis-testkit-reaper"));
        reapLeftovers();
    }

    private Processes() {
    }

    /** The kit's working directory, {@code target/redis-testkit}. */
    static Path root() {
        return ROOT;
    }

    /** Starts {@code command} with output to {@code output}, registered for cleanup. */
    static Process start(List<String> command, Path directory, Path output) {
        List<String> full = new ArrayList<>();
        if (SETPRIV) {
            full.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        Process process;
        try {
            process = LAUNCHER.submit(builder::start).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + command, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot start " + command + ": " + cause.getMessage(), cause);
        }
        LIVE.add(process);
        writePidFile(process);
        return process;
    }

    /** Kills {@code process} with SIGKILL and waits until it is gone. */
    static void kill(Process process) {
        process.destroyForcibly();
        awaitExit(process, 10);
    }

    /** Waits up to {@code seconds} for {@code process} to exit, then forgets it. */
    static boolean awaitExit(Process process, long seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for pid " + process.pid() + " to exit", e);
        }
        LIVE.remove(process);
        deletePidFile(process.pid());
        return true;
    }

    /** Sends {@code signal} (e.g. "STOP") to {@code pid} with kill(1). */
    static void signal(long pid, String signal) {
        String output = run(List.of("kill", "-" + signal, Long.toString(pid)), 10);
        if (!output.isEmpty()) {
            LOG.debug("kill -{} {}: {}", signal, pid, output);
        }
    }

    /**
     * Runs a short command and returns its trimmed output (stdout and stderr).
     *
     * @throws IllegalStateException if it cannot run, exits non-zero or outlives {@code timeoutSeconds}
     */
    static String run(List<String> command, long timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            // Read on another thread: a redis-cli talking to a frozen server never closes its output.
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = process.getInputStream()) {
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within " + timeoutSeconds + "s");
            }
            String text = new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " exited with " + process.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the output of " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static void killAll() {
        for (Process process : LIVE) {
            process.destroyForcibly();
            deletePidFile(process.pid());
        }
    }

    private static Path pidFile(long pid) {
        return PIDS.resolve(SELF + "-" + pid + ".pid");
    }

    private static void writePidFile(Process process) {
        String started = process.info().startInstant().map(Instant::toString).orElse("");
        try {
            Files.createDirectories(PIDS);
            Files.writeString(pidFile(process.pid()), started);
        } catch (IOException e) {
            LOG.warn("cannot record pid {} in {}: {}", process.pid(), PIDS, e.toString());
        }
    }

    private static void deletePidFile(long pid) {
        try {
            Files.deleteIfExists(pidFile(pid));
        } catch (IOException e) {
            LOG.debug("cannot delete pid file of {}: {}", pid, e.toString());
        }
    }

    /** Kills servers recorded by JVMs that are gone; pid files of live JVMs (parallel forks) are left alone. */
    static void reapLeftovers() {
        if (!Files.isDirectory(PIDS)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(PIDS, "*-*.pid")) {
            for (Path file : files) {
                String[] parts = file.getFileName().toString().replace(".pid", "").split("-");
                long owner = Long.parseLong(parts[0]);
                if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                String started = Files.readString(file).strip();
                ProcessHandle.of(Long.parseLong(parts[1]))
                        .filter(p -> started.equals(p.info().startInstant().map(Instant::toString).orElse("")))
                        .filter(p -> p.info().command().orElse("").contains("redis"))
                        .ifPresent(Processes::reap);
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot reap leftover Redis servers recorded in {}: {}", PIDS, e.toString());
        }
    }

    private static void reap(ProcessHandle leftover) {
        Optional<String> command = leftover.info().commandLine();
        LOG.warn("killing leftover Redis process {} of a previous test run: {}", leftover.pid(),
                command.orElse("?"));
        leftover.destroyForcibly();
    }
}
