package io.holdfast.examples.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts another JVM on this JVM's class path, so demos can run workers in separate processes. */
public final class ChildJvm {

    private ChildJvm() {}

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM on this one's class path, with
     * exactly the environment {@code env}. Its standard error is inherited; its standard output is
     * returned to read.
     */
    public static Process start(Class<?> mainClass, List<String> args, Map<String, String> env)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    /**
     * Reads a child's standard output to the end, waits for it to exit, and returns its last line
     * that starts with {@code prefix}.
     *
     * @throws IllegalStateException if the child printed no such line
     */
    public static String awaitLine(Process child, String prefix) throws IOException, InterruptedException {
        String found = null;
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(prefix)) {
                    found = line;
                }
            }
        }
        int exit = child.waitFor();
        if (found == null) {
            throw new IllegalStateException("worker process " + child.pid() + " exited with " + exit
                    + " without a '" + prefix.trim() + "' line; see its output above");
        }
        return found;
    }
}
