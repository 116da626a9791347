package io.holdfast.cli;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.spi.InstanceInfo;
import io.holdfast.lock.spi.LockAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code holdfast flags [list|get|set|clear]}: status flags. */
@Command(name = "flags", description = "List the set flags (or: list, get, set, clear).",
        subcommands = {FlagsCommand.ListFlags.class, FlagsCommand.Get.class, FlagsCommand.Set.class,
                FlagsCommand.Clear.class})
final class FlagsCommand extends BaseCommand {

    @Override
    int run(Targets targets) {
        return list(this, targets, null);
    }

    static int list(BaseCommand c, Targets targets, String pattern) {
        Pattern p = pattern == null ? null : Text.glob(pattern);
        List<Map<String, Object>> all = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (LockAdmin a : targets.require()) {
            Map<String, InstanceInfo> instances = instances(a);
            for (FlagInfo f : a.flags()) {
                if (p != null && !p.matcher(f.name()).matches()) {
                    continue;
                }
                all.add(Views.flag(a.backend(), f, instances));
                List<String> row = new ArrayList<>();
                if (targets.several()) {
                    row.add(a.backend());
                }
                row.addAll(List.of(f.name(), Views.owner(f.owner(), instances), Text.time(f.setAt()),
                        Text.duration(Views.ttlLeft(f))));
                rows.add(row);
            }
        }
        if (c.json()) {
            Map<String, Object> m = Json.object();
            m.put("flags", all);
            c.out().println(Json.pretty(m));
        } else if (rows.isEmpty()) {
            c.out().println("no flags set");
        } else {
            c.out().print(Text.table(Views.header(List.of("FLAG", "OWNER", "SET AT", "EXPIRES IN"),
                    targets.several()), rows));
        }
        return ExitCodes.OK;
    }

    private static Map<String, InstanceInfo> instances(LockAdmin a) {
        Map<String, InstanceInfo> byOwner = new LinkedHashMap<>();
        a.instances().forEach(i -> byOwner.put(i.ownerId(), i));
        return byOwner;
    }

    /** {@code flags list [PATTERN]}. */
    @Command(name = "list", description = "List the set flags: owner instance, set time, TTL left.")
    static final class ListFlags extends BaseCommand {

        @Parameters(arity = "0..1", paramLabel = "PATTERN", description = "glob on names: * and ?")
        String pattern;

        @Override
        int run(Targets targets) {
            return list(this, targets, pattern);
        }
    }

    /** {@code flags get NAME}. */
    @Command(name = "get", description = "Show one flag. Exit 1 when it is not set.")
    static final class Get extends BaseCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Targets targets) {
            List<Map<String, Object>> found = new ArrayList<>();
            for (LockAdmin a : targets.require()) {
                Optional<FlagInfo> f = a.flag(name);
                if (f.isPresent()) {
                    Map<String, InstanceInfo> instances = instances(a);
                    found.add(Views.flag(a.backend(), f.get(), instances));
                    if (!json()) {
                        out().println(a.backend() + ": flag '" + name + "' set by "
                                + Views.owner(f.get().owner(), instances) + " at "
                                + Text.time(f.get().setAt()) + ", expires in "
                                + Text.duration(Views.ttlLeft(f.get())));
                    }
                }
            }
            if (json()) {
                Map<String, Object> m = Json.object();
                m.put("name", name);
                m.put("set", !found.isEmpty());
                m.put("flags", found);
                out().println(Json.pretty(m));
            } else if (found.isEmpty()) {
                out().println("flag '" + name + "' is not set");
            }
            return found.isEmpty() ? ExitCodes.NOT_FOUND : ExitCodes.OK;
        }
    }

    /** {@code flags set NAME --ttl 10m}. */
    @Command(name = "set", description = "Set (or replace) a flag for a TTL, owned by the operator;"
            + " audited.")
    static final class Set extends BaseCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--ttl", required = true, paramLabel = "DURATION",
                description = "how long it stays set: 500ms, 30s, 10m, 1h or PT10M")
        String ttl;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "kept in the audit trail")
        String reason;

        @Option(names = "--operator", paramLabel = "USER", description = "who (default: this user)")
        String operator;

        @Override
        int run(Targets targets) {
            Duration d;
            try {
                d = Durations.parse("--ttl", ttl);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
            LockAdmin.Operator op = operator(operator);
            for (LockAdmin a : targets.require()) {
                a.setFlag(name, d, op, reason);
            }
            if (json()) {
                Map<String, Object> m = Json.object();
                m.put("name", name);
                m.put("owner", op.ownerId());
                m.put("ttlMs", d.toMillis());
                out().println(Json.pretty(m));
            } else {
                out().println("flag '" + name + "' set for " + Text.duration(d) + " by " + op
                        + " (owner " + op.ownerId() + ")");
            }
            return ExitCodes.OK;
        }
    }

    /** {@code flags clear NAME [--force]}. */
    @Command(name = "clear", description = "Clear a flag the operator set; another owner's flag"
            + " only with --force (exit 5 otherwise). Audited. Exit 1 when it is not set.")
    static final class Clear extends BaseCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--force", description = "clear it whoever set it")
        boolean force;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "kept in the audit trail")
        String reason;

        @Option(names = "--operator", paramLabel = "USER", description = "who (default: this user)")
        String operator;

        @Override
        int run(Targets targets) {
            LockAdmin.Operator op = operator(operator);
            List<LockAdmin.FlagClear> outcomes = new ArrayList<>();
            for (LockAdmin a : targets.require()) {
                Optional<FlagInfo> before = a.flag(name);
                LockAdmin.FlagClear r = a.clearFlag(name, op, force, reason);
                outcomes.add(r);
                if (r == LockAdmin.FlagClear.OTHER_OWNER) {
                    throw new CliException(ExitCodes.REFUSED, a.backend() + ": flag '" + name
                            + "' was set by " + before.map(FlagInfo::owner).orElse("another owner")
                            + ", not by " + op.ownerId() + "; add --force to clear it anyway");
                }
                if (!json()) {
                    out().println(a.backend() + ": " + (r == LockAdmin.FlagClear.CLEARED
                            ? "cleared flag '" + name + "'" + before.map(f -> " (set by "
                                    + f.owner() + ")").orElse("")
                            : "flag '" + name + "' is not set"));
                }
            }
            boolean cleared = outcomes.contains(LockAdmin.FlagClear.CLEARED);
            if (json()) {
                Map<String, Object> m = Json.object();
                m.put("name", name);
                m.put("cleared", cleared);
                out().println(Json.pretty(m));
            }
            return cleared ? ExitCodes.OK : ExitCodes.NOT_FOUND;
        }
    }
}
