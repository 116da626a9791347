package io.holdfast.reliability.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** POSIX signals by pid, for processes the kit does not start itself (worker JVMs, servers). */
public final class Signals {

    private Signals() {
    }

    /** Freezes {@code pid} with SIGSTOP. */
    public static void stop(long pid) {
        send(pid, "STOP");
    }

    /** Resumes {@code pid} with SIGCONT. */
    public static void cont(long pid) {
        send(pid, "CONT");
    }

    /**
     * Kills {@code pid} with SIGKILL and waits up to 10s until it is gone.
     *
     * @throws IllegalStateException if it is still alive after 10s
     */
    public static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(handle -> {
            handle.destroyForcibly();
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for pid " + pid + " to die", e);
            } catch (Exception e) {
                throw new IllegalStateException("pid " + pid + " survived SIGKILL for 10s", e);
            }
        });
    }

    /**
     * Sends {@code signal} (a name such as {@code STOP}) to {@code pid} with kill(1).
     *
     * @throws IllegalStateException if kill(1) fails (no such process, no permission)
     */
    public static void send(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                    .start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + pid, e);
        }
    }
}
