package io.holdfast.examples;

import io.holdfast.examples.support.ChildJvm;
import io.holdfast.examples.support.DurationOption;
import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockService;
import io.holdfast.lock.local.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Seeds 000 and 001, on the read-write lock of {@code config.csv}: a service process loads the
 * config, writes {@code state.csv} and appends to {@code logs.csv}, each operation under
 * {@link LockManager#tryAcquireShared}, and skips (counts) an operation while the editor holds
 * or waits for the lock. The editor process (a person, simulated) takes the lock exclusively for
 * its whole edit session: it waits only for the operations already in flight, since a waiting
 * writer stops new shared grants (seed 000's intent file and idle handshake, done by the lock).
 * The editor checks from the files that the service wrote nothing during a session. At the end
 * no line is lost, comments and blank lines are kept, and no service write fell into an edit;
 * exit code 0 when that holds. Runs on file locks by default and on Redis (shared locks on both).
 */
@Command(name = "config-editor-demo", mixinStandardHelpOptions = true,
        description = "A service and an editor process update the same CSV files under one lock.")
public final class ConfigEditorDemo implements Callable<Integer> {

    static final String INITIAL_CONFIG = String.join("\n",
            "# inverter settings: edited by hand while the service rewrites it",
            "# key,value",
            "",
            "threshold,0",
            "poll_count,0",
            "",
            "# lines added by the editor follow",
            "");
    private static final String SERVICE = "SERVICE ";
    private static final String EDITOR = "EDITOR ";
    private static final Duration WAIT = Duration.ofSeconds(60);

    enum Role { DEMO, SERVICE, EDITOR }

    @Option(names = "--role", description = "demo (default: starts both), service or editor")
    Role role = Role.DEMO;

    @Option(names = "--duration", converter = DurationOption.class,
            description = "how long service and editor run (default ${DEFAULT-VALUE})")
    Duration duration = Duration.ofSeconds(5);

    @Option(names = "--think", converter = DurationOption.class,
            description = "how long the editor holds the lock per edit session (default ${DEFAULT-VALUE})")
    Duration think = Duration.ofMillis(300);

    @Option(names = "--dir", description = "directory of config.csv and state.csv (default: a new temp dir)")
    Path dir;

    private final Map<String, String> env;

    /** A demo that reads its backend from this process's environment. */
    public ConfigEditorDemo() {
        this(System.getenv());
    }

    ConfigEditorDemo(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Runs the demo; see {@code --help}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ConfigEditorDemo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("holdfast-config-");
        }
        Files.createDirectories(dir);
        Path config = dir.resolve("config.csv");
        Path state = dir.resolve("state.csv");
        Path logs = dir.resolve("logs.csv");
        if (role == Role.DEMO) {
            return runBoth(config, state, logs);
        }
        try (LockService service = LockService.fromEnvironment(env)) {
            LockManager locks = service.locks();
            long end = System.nanoTime() + duration.toNanos();
            System.out.println(role == Role.SERVICE ? serve(locks, config, state, logs, end)
                    : edit(locks, config, state, logs, end));
        }
        return 0;
    }

    /**
     * Every cycle three operations, each under its own shared lease of the config lock, taken
     * without waiting: load the config, append the cycle to state.csv, append a line to
     * logs.csv. An operation that finds the lock held or wanted by the editor is skipped.
     */
    private static String serve(LockManager locks, Path config, Path state, Path logs, long end)
            throws InterruptedException {
        String resource = AtomicFiles.lockResource(config);
        int skipped = 0;
        int stateLines = 0;
        int logLines = 0;
        int threshold = 0;
        for (int op = 0; System.nanoTime() < end; op = (op + 1) % 3) {
            Optional<Lease> lease = locks.tryAcquireShared(resource);
            if (lease.isEmpty()) {
                skipped++;
            } else {
                try (Lease held = lease.get()) {
                    if (op == 0) {
                        threshold = value(readConfig(config), "threshold");
                    } else if (op == 1) {
                        int n = ++stateLines;
                        int t = threshold;
                        AtomicFiles.update(state, locks, WAIT, s -> s + "cycle," + n + "," + t + "\n");
                    } else {
                        int n = ++logLines;
                        AtomicFiles.update(logs, locks, WAIT, s -> s + "log," + n + "\n");
                    }
                }
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
        return SERVICE + stateLines + " " + logLines + " " + skipped;
    }

    /**
     * Edit sessions, as a person with a text editor works: take the lock exclusively, open the
     * file (read it), think, then save the edited buffer, which adds a line and changes the
     * threshold. The service's files are compared before and after: a change means the service
     * wrote during the edit.
     */
    private String edit(LockManager locks, Path config, Path state, Path logs, long end)
            throws InterruptedException {
        int sessions = 0;
        int writesDuringEdit = 0;
        List<Long> waits = new ArrayList<>();
        String who = "editor" + ProcessHandle.current().pid();
        while (System.nanoTime() < end) {
            int n = sessions + 1;
            long asked = System.nanoTime();
            try (Lease lease = locks.acquire(AtomicFiles.lockResource(config), WAIT)) {
                waits.add(System.nanoTime() - asked);
                String before = readConfig(state) + readConfig(logs);
                String buffer = setValue(readConfig(config), "threshold", n) + who + "_note_" + n + "," + n + "\n";
                TimeUnit.NANOSECONDS.sleep(think.toNanos()); // a person reading and typing
                lease.ensureHeld();
                AtomicFiles.update(config, locks, WAIT, current -> buffer);
                if (!(readConfig(state) + readConfig(logs)).equals(before)) {
                    writesDuringEdit++;
                }
            }
            sessions = n;
            TimeUnit.MILLISECONDS.sleep(20);
        }
        Collections.sort(waits);
        long p50 = waits.isEmpty() ? 0 : waits.get(waits.size() / 2);
        long max = waits.isEmpty() ? 0 : waits.get(waits.size() - 1);
        return EDITOR + sessions + " " + who + " " + writesDuringEdit + " "
                + TimeUnit.NANOSECONDS.toMicros(p50) + " " + TimeUnit.NANOSECONDS.toMicros(max);
    }

    private int runBoth(Path config, Path state, Path logs) throws Exception {
        AtomicFiles.writeString(config, INITIAL_CONFIG);
        AtomicFiles.writeString(state, "");
        AtomicFiles.writeString(logs, "");
        List<String> common = List.of("--duration", DurationOption.format(duration),
                "--think", DurationOption.format(think), "--dir", dir.toString());
        Process service = ChildJvm.start(ConfigEditorDemo.class, concat("--role=SERVICE", common), env);
        Process editor = ChildJvm.start(ConfigEditorDemo.class, concat("--role=EDITOR", common), env);
        String[] sv = ChildJvm.awaitLine(service, SERVICE).substring(SERVICE.length()).split(" ");
        String[] ed = ChildJvm.awaitLine(editor, EDITOR).substring(EDITOR.length()).split(" ");
        return verify(config, state, logs, sv, ed);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** Checks the files against the service's and the editor's reports and prints the report. */
    private int verify(Path config, Path state, Path logs, String[] sv, String[] ed)
            throws Exception {
        int stateLines = Integer.parseInt(sv[0]);
        int logLines = Integer.parseInt(sv[1]);
        int skipped = Integer.parseInt(sv[2]);
        int sessions = Integer.parseInt(ed[0]);
        String who = ed[1];
        int writesDuringEdit = Integer.parseInt(ed[2]);
        String c = Files.readString(config);
        List<String> problems = new ArrayList<>();
        if (writesDuringEdit > 0) {
            problems.add("the service wrote during " + writesDuringEdit + " edit sessions");
        }
        List<String> kept = lines(c).stream().filter(l -> l.isBlank() || l.startsWith("#")).collect(Collectors.toList());
        List<String> expectedKept = lines(INITIAL_CONFIG).stream().filter(l -> l.isBlank() || l.startsWith("#"))
                .collect(Collectors.toList());
        if (!kept.equals(expectedKept)) {
            problems.add("comments or blank lines changed: " + kept);
        }
        for (int n = 1; n <= sessions; n++) {
            long count = count(c, "(?m)^" + who + "_note_" + n + "," + n + "$");
            if (count != 1) {
                problems.add("editor line " + n + " appears " + count + " times");
            }
        }
        if (!c.contains("\nthreshold," + sessions + "\n")) {
            problems.add("threshold is not the editor's last value " + sessions);
        }
        if (count(Files.readString(state), "(?m)^cycle,") != stateLines
                || !Files.readString(logs).equals(numbered("log", logLines))) {
            problems.add("state.csv or logs.csv lost lines: the service wrote " + stateLines
                    + " state and " + logLines + " log lines");
        }
        System.out.printf("holdfast ConfigEditorDemo: %d edit sessions, %d state writes, %d log"
                + " appends, files in %s%n", sessions, stateLines, logLines, dir);
        System.out.printf("  editor wait for the lock: p50 %.1f ms, max %.1f ms%n",
                Long.parseLong(ed[3]) / 1000.0, Long.parseLong(ed[4]) / 1000.0);
        System.out.printf("  service operations skipped while the editor held or wanted the lock: %d%n", skipped);
        System.out.printf("  service writes during an edit (from the files): %d%n", writesDuringEdit);
        problems.forEach(p -> System.out.println("  problem: " + p));
        System.out.println(problems.isEmpty() ? "  result: OK, no line lost, comments and blank lines kept"
                : "  result: FAILED");
        return problems.isEmpty() && sessions > 0 && stateLines > 0 ? 0 : 1;
    }

    private static String numbered(String prefix, int lines) {
        return java.util.stream.IntStream.rangeClosed(1, lines)
                .mapToObj(i -> prefix + "," + i + "\n").collect(Collectors.joining());
    }

    private static String readConfig(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The integer value of {@code key}'s line. */
    static int value(String csv, String key) {
        Matcher m = keyLine(key).matcher(csv);
        if (!m.find()) {
            throw new IllegalStateException("config.csv has no '" + key + "' line");
        }
        return Integer.parseInt(m.group(1).trim());
    }

    private static Pattern keyLine(String key) {
        return Pattern.compile("(?m)^" + Pattern.quote(key) + ",(.*)$");
    }

    /** Replaces the value of {@code key}'s line, keeping every other byte. */
    static String setValue(String csv, String key, int value) {
        Matcher m = keyLine(key).matcher(csv);
        if (!m.find()) {
            throw new IllegalStateException("config.csv has no '" + key + "' line");
        }
        return csv.substring(0, m.start()) + key + "," + value + csv.substring(m.end());
    }

    private static List<String> lines(String s) {
        return List.of(s.split("\n", -1));
    }

    private static long count(String s, String regex) {
        return Pattern.compile(regex).matcher(s).results().count();
    }
}
