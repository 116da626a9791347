package io.holdfast.lock.local.process;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.local.FileLockSettings;
import io.holdfast.lock.local.FileStatusManager;
import io.holdfast.lock.local.FileStatusSettings;
import io.holdfast.lock.testkit.jvm.TestJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A process that takes file locks on command, so a test can play another process step by step.
 * Reads commands from standard input, one per line, and answers each with one line starting
 * with {@code ANSWER}:
 * <ul>
 * <li>{@code TRY <resource>}: {@code ANSWER FREE <token>} (granted, and released at once) or
 *     {@code ANSWER BUSY};
 * <li>{@code TRYSHARE <resource>}: as {@code TRY}, for the shared lock;
 * <li>{@code HOLD <resource>}: waits up to 60s; {@code ANSWER HELD <token>};
 * <li>{@code HOLDSHARED <resource>}: as {@code HOLD}, for the shared lock;
 * <li>{@code RELEASE <resource>}: {@code ANSWER RELEASED <what release() returned>};
 * <li>{@code CLAIM <flag>}: {@code setIfAbsent} with a TTL of a minute, waiting at most 300ms for
 *     other processes' changes: {@code ANSWER CLAIMED <true|false>} or
 *     {@code ANSWER UNAVAILABLE <message>}.
 * </ul>
 * Args: lock directory.
 */
public final class LockShell {

    public static void main(String[] args) throws Exception {
        Map<String, Lease> held = new HashMap<>();
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(Path.of(args[0])));
                FileStatusManager flags = FileStatusManager.create(FileStatusSettings.builder(Path.of(args[0]))
                        .lockWait(Duration.ofMillis(300)).build());
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            System.out.println("READY");
            for (String line; (line = in.readLine()) != null; ) {
                String[] cmd = line.split(" ", 2);
                switch (cmd[0]) {
                    case "TRY": {
                        Optional<Lease> lease = locks.tryAcquire(cmd[1]);
                        System.out.println(lease.map(l -> "ANSWER FREE " + l.fencingToken()).orElse("ANSWER BUSY"));
                        lease.ifPresent(Lease::release);
                        break;
                    }
                    case "TRYSHARE": {
                        Optional<Lease> lease = locks.tryAcquireShared(cmd[1]);
                        System.out.println(lease.map(l -> "ANSWER FREE " + l.fencingToken()).orElse("ANSWER BUSY"));
                        lease.ifPresent(Lease::release);
                        break;
                    }
                    case "HOLD":
                    case "HOLDSHARED": {
                        Lease lease = cmd[0].equals("HOLD") ? locks.acquire(cmd[1], Duration.ofSeconds(60))
                                : locks.acquireShared(cmd[1], Duration.ofSeconds(60));
                        held.put(cmd[1], lease);
                        System.out.println("ANSWER HELD " + lease.fencingToken());
                        break;
                    }
                    case "RELEASE":
                        System.out.println("ANSWER RELEASED " + held.remove(cmd[1]).release());
                        break;
                    case "CLAIM":
                        try {
                            System.out.println("ANSWER CLAIMED " + flags.setIfAbsent(cmd[1], Duration.ofMinutes(1)));
                        } catch (LockUnavailableException e) {
                            System.out.println("ANSWER UNAVAILABLE " + e.getMessage());
                        }
                        break;
                    default:
                        System.out.println("ANSWER UNKNOWN " + line);
                }
                System.out.flush();
            }
        }
    }

    /** The test's side: a running {@link LockShell}. */
    public static final class Client implements AutoCloseable {
        private static final Duration PATIENCE = Duration.ofSeconds(60);
        private final TestJvm jvm;
        private final OutputStream commands;

        private Client(TestJvm jvm) {
            this.jvm = jvm;
            this.commands = jvm.process().getOutputStream();
        }

        /** Starts a shell on {@code dir} and waits until it is ready. */
        public static Client start(Path dir) throws InterruptedException {
            Client c = new Client(TestJvm.start(LockShell.class, dir.toString()));
            c.jvm.awaitLine("READY", PATIENCE);
            return c;
        }

        /** Sends a command and returns the words of its answer after {@code ANSWER}. */
        public String[] ask(String command) throws IOException, InterruptedException {
            commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
            return jvm.awaitLine("ANSWER ", PATIENCE).substring(7).split(" ");
        }

        /** {@code TRY}: true if the shell could take the lock (it released it again). */
        public boolean canTake(String resource) throws IOException, InterruptedException {
            return ask("TRY " + resource)[0].equals("FREE");
        }

        /** {@code TRYSHARE}: true if the shell could take the lock shared (and released it). */
        public boolean canShare(String resource) throws IOException, InterruptedException {
            return ask("TRYSHARE " + resource)[0].equals("FREE");
        }

        /** {@code HOLD}: the token. */
        public long hold(String resource) throws IOException, InterruptedException {
            return Long.parseLong(ask("HOLD " + resource)[1]);
        }

        /** {@code HOLDSHARED}: the token. */
        public long holdShared(String resource) throws IOException, InterruptedException {
            return Long.parseLong(ask("HOLDSHARED " + resource)[1]);
        }

        /** {@code CLAIM}: "true", "false", or "unavailable" when the flags' guard stayed busy. */
        public String claim(String flag) throws IOException, InterruptedException {
            String[] a = ask("CLAIM " + flag);
            return a[0].equals("CLAIMED") ? a[1] : "unavailable";
        }

        /** {@code RELEASE}: what the shell's release() returned. */
        public boolean release(String resource) throws IOException, InterruptedException {
            return Boolean.parseBoolean(ask("RELEASE " + resource)[1]);
        }

        /** Kills the shell's process (SIGKILL) and waits until it is gone. */
        public void kill() throws InterruptedException {
            jvm.process().destroyForcibly();
            if (!jvm.process().waitFor(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("the shell process did not end");
            }
        }

        @Override
        public void close() {
            jvm.close();
        }
    }
}
