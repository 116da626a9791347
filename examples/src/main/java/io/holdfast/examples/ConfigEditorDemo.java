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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Seeds 000 and 001: a service process rewrites {@code config.csv} and appends to
 * {@code state.csv} every cycle while an editor process (a person, simulated) adds and changes
 * lines. Both go through {@link AtomicFiles#update} under the one lock of {@code config.csv}; the
 * editor holds it for its whole edit session (a Redis lease is renewed meanwhile), so the service
 * waits instead of overwriting the edit. At the end no line is lost and comments and blank lines
 * are kept; exit code 0 when that holds.
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
        if (role == Role.DEMO) {
            return runBoth(config, state);
        }
        try (LockService service = LockService.fromEnvironment(env)) {
            LockManager locks = service.locks();
            long end = System.nanoTime() + duration.toNanos();
            System.out.println(role == Role.SERVICE ? serve(locks, config, state, end)
                    : edit(locks, config, end));
        }
        return 0;
    }

    /**
     * Every cycle: under the config lock, bump poll_count in config.csv and append to state.csv.
     * A poll_count that is not the one the service wrote last means somebody overwrote the
     * service's update with an older copy: a lost update, counted.
     */
    private static String serve(LockManager locks, Path config, Path state, long end)
            throws InterruptedException {
        int cycles = 0;
        int[] lost = new int[1];
        while (System.nanoTime() < end) {
            int cycle = cycles + 1;
            locks.withLock(AtomicFiles.lockResource(config), WAIT, lease -> {
                AtomicFiles.update(config, locks, WAIT, c -> {
                    if (value(c, "poll_count") != cycle - 1) {
                        lost[0]++;
                    }
                    return setValue(c, "poll_count", cycle);
                });
                AtomicFiles.update(state, locks, WAIT, s -> s + "cycle," + cycle + "\n");
                return null;
            });
            cycles = cycle;
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return SERVICE + cycles + " " + lost[0];
    }

    /**
     * Edit sessions, as a person with a text editor works: take the lock, open the file (read it),
     * think, then save the edited buffer, which adds a line and changes the threshold. Saving a
     * buffer read earlier is only safe because the lock spans the whole session.
     */
    private String edit(LockManager locks, Path config, long end) throws InterruptedException {
        int sessions = 0;
        String who = "editor" + ProcessHandle.current().pid();
        while (System.nanoTime() < end) {
            int n = sessions + 1;
            try (Lease lease = locks.acquire(AtomicFiles.lockResource(config), WAIT)) {
                String buffer = setValue(readConfig(config), "threshold", n) + who + "_note_" + n + "," + n + "\n";
                TimeUnit.NANOSECONDS.sleep(think.toNanos()); // a person reading and typing
                lease.ensureHeld();
                AtomicFiles.update(config, locks, WAIT, current -> buffer);
            }
            sessions = n;
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return EDITOR + sessions + " " + who;
    }

    private int runBoth(Path config, Path state) throws Exception {
        AtomicFiles.writeString(config, INITIAL_CONFIG);
        AtomicFiles.writeString(state, "");
        List<String> common = List.of("--duration", DurationOption.format(duration),
                "--think", DurationOption.format(think), "--dir", dir.toString());
        Process service = ChildJvm.start(ConfigEditorDemo.class, concat("--role=SERVICE", common), env);
        Process editor = ChildJvm.start(ConfigEditorDemo.class, concat("--role=EDITOR", common), env);
        String[] sv = ChildJvm.awaitLine(service, SERVICE).substring(SERVICE.length()).split(" ");
        String[] ed = ChildJvm.awaitLine(editor, EDITOR).substring(EDITOR.length()).split(" ");
        return verify(config, state, Integer.parseInt(sv[0]), Integer.parseInt(sv[1]),
                Integer.parseInt(ed[0]), ed[1]);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private int verify(Path config, Path state, int cycles, int serviceUpdatesLost, int sessions,
            String who) throws Exception {
        String c = Files.readString(config);
        List<String> problems = new ArrayList<>();
        if (serviceUpdatesLost > 0) {
            problems.add(serviceUpdatesLost + " service updates of poll_count were overwritten");
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
        if (!c.contains("\npoll_count," + cycles + "\n")) {
            problems.add("poll_count is not the service's last cycle " + cycles);
        }
        String expectedState = java.util.stream.IntStream.rangeClosed(1, cycles)
                .mapToObj(i -> "cycle," + i + "\n").collect(Collectors.joining());
        if (!Files.readString(state).equals(expectedState)) {
            problems.add("state.csv is not exactly cycles 1.." + cycles);
        }
        System.out.printf("holdfast ConfigEditorDemo: %d service cycles, %d edit sessions, files in %s%n",
                cycles, sessions, dir);
        problems.forEach(p -> System.out.println("  lost update: " + p));
        System.out.println(problems.isEmpty() ? "  result: OK, no line lost, comments and blank lines kept"
                : "  result: FAILED");
        return problems.isEmpty() && sessions > 0 && cycles > 0 ? 0 : 1;
    }

    private static String readConfig(Path config) {
        try {
            return Files.readString(config);
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
