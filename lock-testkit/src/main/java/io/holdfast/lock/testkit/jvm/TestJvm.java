package io.holdfast.lock.testkit.jvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class from the test class path, for cross-process tests: its
 * standard output and error are read line by line, and it is killed on {@link #close()}.
 *
 * <p>The child's environment is this JVM's without holdfast's own variables ({@code USE_NEW_LOCKS},
 * {@code LOCK_*}, {@code REDIS_URL}), plus what {@link Builder#env} adds, so a developer's shell
 * settings never leak into a test.
 */
public final class TestJvm implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private TestJvm(Process process) {
        this.process = process;
        this.reader = new Thread(this::pump, "test-jvm-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code main} with {@code args} in a new JVM of this JVM's Java on its class path. */
    public static TestJvm start(Class<?> main, String... args) {
        return builder(main).args(args).start();
    }

    /** A builder for a child JVM running {@code main}. */
    public static Builder builder(Class<?> main) {
        return new Builder(main);
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                all.add(line);
                lines.add(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /**
     * Waits for an output line starting with {@code prefix}, skipping others.
     *
     * @throws AssertionError with the output so far if none comes within {@code timeout}
     */
    public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line starting with '" + prefix + "' within " + timeout
                        + " from pid " + process.pid() + "; output so far: " + all);
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /**
     * Waits for the process to exit with status 0 and returns every output line.
     *
     * @throws AssertionError with the output if it runs past {@code timeout} or exits non-zero
     */
    public List<String> finish(Duration timeout) throws InterruptedException {
        int status = exit(timeout);
        if (status != 0) {
            throw new AssertionError("pid " + process.pid() + " exited with " + status
                    + "; output: " + all);
        }
        return output();
    }

    /**
     * Waits for the process to exit and for its output to be read to the end (so that
     * {@link #output()} is complete), and returns its exit status, whatever it is.
     *
     * @throws AssertionError with the output if it runs past {@code timeout}
     */
    public int exit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("pid " + process.pid() + " did not finish within " + timeout
                    + "; output: " + all);
        }
        // the pipe ends with the process, unless a child it started inherited it: then what was
        // read within the timeout is all there is
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    /** The output lines read so far. */
    public List<String> output() {
        synchronized (all) {
            return new ArrayList<>(all);
        }
    }

    /** The child process, e.g. to kill it. */
    public Process process() {
        return process;
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() {
        process.destroyForcibly();
    }

    /** Options of a child JVM. Not thread-safe. */
    public static final class Builder {
        private final Class<?> main;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path javaHome;
        private String classPath = System.getProperty("java.class.path");

        private Builder(Class<?> main) {
            this.main = Objects.requireNonNull(main, "main");
        }

        /** Appends program arguments. */
        public Builder args(String... values) {
            args.addAll(List.of(values));
            return this;
        }

        /** Adds environment variables. */
        public Builder env(Map<String, String> values) {
            env.putAll(values);
            return this;
        }

        /**
         * Runs the child with this class path instead of this JVM's (for example a fat jar, or this
         * JVM's without an optional library); {@code main} is looked up there by name.
         */
        public Builder classPath(String path) {
            classPath = Objects.requireNonNull(path, "path");
            return this;
        }

        /** Runs the child on another JDK (for example a Java 21+ one for virtual threads). */
        public Builder javaHome(Path home) {
            javaHome = Objects.requireNonNull(home, "home");
            return this;
        }

        /**
         * Starts the child.
         *
         * @throws UncheckedIOException if the JVM cannot be started
         */
        public TestJvm start() {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaHome != null ? javaHome.resolve("bin").resolve("java").toString()
                    : ProcessHandle.current().info().command().orElse("java"));
            cmd.add("-XX:TieredStopAtLevel=1"); // quick start-up: children run briefly
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(main.getName());
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("LOCK_")
                    || k.equals("USE_NEW_LOCKS") || k.equals("REDIS_URL"));
            pb.environment().putAll(env);
            try {
                return new TestJvm(pb.start());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start a JVM for " + main.getName(), e);
            }
        }
    }
}
