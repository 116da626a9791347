package io.holdfast.cli;

import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.Secrets;
import io.holdfast.lock.internal.env.EnvSettings;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast}: the operator's command line. It reads the same variables as
 * {@code LockService.fromEnvironment()} (each can also be given as an option, which wins), so
 * "what would my service do with these variables" has one answer. Every read command takes
 * {@code --json}; exit codes are in {@link ExitCodes}. Passwords never appear in its output.
 */
@Command(name = "holdfast", mixinStandardHelpOptions = true,
        versionProvider = HoldfastCli.Version.class,
        description = "See and handle holdfast locks, waiters, instances and flags.",
        footerHeading = "%n", footer = ExitCodes.HELP,
        subcommands = {CheckCommand.class, LocksCommand.class, InspectCommand.class,
                InstancesCommand.class, FlagsCommand.class, ReleaseCommand.class,
                AuditCommand.class, WatchCommand.class, CommandLine.HelpCommand.class})
public final class HoldfastCli implements Runnable {

    @Option(names = "--use-new-locks", scope = ScopeType.INHERIT, paramLabel = "MODE",
            description = "USE_NEW_LOCKS: false (file locks), true (new backend) or dual")
    String useNewLocks;

    @Option(names = "--lock-backend", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "LOCK_BACKEND: redis or local")
    String lockBackend;

    @Option(names = "--redis-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "REDIS_URL (prefer the variable: options show in process lists)")
    String redisUrl;

    @Option(names = "--lock-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "LOCK_DIR: directory of the file locks and flags")
    String lockDir;

    @Option(names = "--namespace", scope = ScopeType.INHERIT, paramLabel = "NS",
            description = "LOCK_NAMESPACE: Redis key namespace")
    String namespace;

    @Option(names = "--lease", scope = ScopeType.INHERIT, paramLabel = "DURATION",
            description = "LOCK_LEASE: the services' Redis lease")
    String lease;

    @Option(names = "--replica-acks", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "LOCK_REPLICA_ACKS")
    String replicaAcks;

    @Option(names = "--replica-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION",
            description = "LOCK_REPLICA_TIMEOUT")
    String replicaTimeout;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "print JSON instead of tables (read commands)")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Map<String, String> environment;

    HoldfastCli(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Runs {@code holdfast} with the process's environment and exits with its code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(System.getenv(), out, err, args));
    }

    /** Runs {@code holdfast} with the given environment and streams; returns the exit code. */
    static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        HoldfastCli root = new HoldfastCli(env);
        Set<String> secrets = secretsIn(env, args);
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> e instanceof CliException c ? c.exitCode()
                : e instanceof LockUnavailableException ? ExitCodes.UNAVAILABLE : ExitCodes.INTERNAL);
        cl.setParameterExceptionHandler((e, a) -> {
            err.println(Secrets.scrub(e.getMessage(), secrets));
            e.getCommandLine().usage(err);
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            String message = Secrets.scrub(e.getMessage(), secrets);
            if (e instanceof CliException || e instanceof LockUnavailableException) {
                err.println("holdfast: " + message);
            } else {
                err.println("holdfast: internal error: " + e.getClass().getName() + ": " + message);
                for (StackTraceElement s : e.getStackTrace()) {
                    err.println("\tat " + s);
                }
            }
            err.flush();
            return c.getExitCodeExceptionMapper().getExitCode(e);
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The variables, with each option given overriding its variable. */
    Map<String, String> variables() {
        Map<String, String> v = new LinkedHashMap<>(environment);
        origins().forEach((variable, option) -> v.put(variable, optionValue(variable)));
        return v;
    }

    /** Variable name → the option that set it, for the options given. */
    Map<String, String> origins() {
        Map<String, String> o = new LinkedHashMap<>();
        String[][] pairs = {
                {EnvSettings.USE_NEW_LOCKS, useNewLocks, "--use-new-locks"},
                {EnvSettings.LOCK_BACKEND, lockBackend, "--lock-backend"},
                {"REDIS_URL", redisUrl, "--redis-url"},
                {"LOCK_DIR", lockDir, "--lock-dir"},
                {"LOCK_NAMESPACE", namespace, "--namespace"},
                {"LOCK_LEASE", lease, "--lease"},
                {"LOCK_REPLICA_ACKS", replicaAcks, "--replica-acks"},
                {"LOCK_REPLICA_TIMEOUT", replicaTimeout, "--replica-timeout"}};
        for (String[] p : pairs) {
            if (p[1] != null) {
                o.put(p[0], p[2]);
            }
        }
        return o;
    }

    private String optionValue(String variable) {
        switch (variable) {
            case EnvSettings.USE_NEW_LOCKS: return useNewLocks;
            case EnvSettings.LOCK_BACKEND: return lockBackend;
            case "REDIS_URL": return redisUrl;
            case "LOCK_DIR": return lockDir;
            case "LOCK_NAMESPACE": return namespace;
            case "LOCK_LEASE": return lease;
            case "LOCK_REPLICA_ACKS": return replicaAcks;
            default: return replicaTimeout;
        }
    }

    /** Opens the backends of the effective variables. */
    Targets targets() {
        return Targets.open(variables(), origins());
    }

    boolean json() {
        return json;
    }

    /** Passwords in REDIS_URL and in any argument, to scrub from every message. */
    private static Set<String> secretsIn(Map<String, String> env, String... args) {
        StringBuilder all = new StringBuilder(env.getOrDefault("REDIS_URL", ""));
        for (String a : args) {
            if (a.contains("://")) {
                all.append(',').append(a.substring(a.indexOf('=') + 1));
            }
        }
        return Secrets.passwords(all.toString());
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = HoldfastCli.class.getPackage().getImplementationVersion();
            return new String[] {"holdfast " + (v == null ? "(development build)" : v)};
        }
    }
}
