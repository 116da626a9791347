package io.holdfast.cli;

import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockAdmin.Eviction;
import io.holdfast.lock.spi.LockState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code holdfast release NAME --force --reason "..."}: evict a stuck holder. */
@Command(name = "release", description = {
        "Evict the holder of a lock (Redis): the fence is advanced so that writes with the evicted"
                + " holder's token are rejected by a resource that checks tokens, the lock goes to the"
                + " next live waiter, the evicted instance reports the lease lost at its next"
                + " renewal, and an audit record is written.",
        "File locks cannot be broken from outside their process: the holder's pid is shown"
                + " instead (exit 6).",
        "Without --force it only shows what would be evicted (exit 5)."})
final class ReleaseCommand extends BaseCommand {

    @Parameters(paramLabel = "NAME", description = "the lock (resource) name")
    String name;

    @Option(names = "--force", description = "really evict the holder")
    boolean force;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why (kept in the audit trail;"
            + " required with --force)")
    String reason;

    @Option(names = "--operator", paramLabel = "USER", description = "who (default: this user)")
    String operator;

    @Override
    int run(Targets targets) {
        if (force && (reason == null || reason.isBlank())) {
            throw new CliException(ExitCodes.USAGE, "--force needs --reason \"...\": the reason is"
                    + " kept in the audit trail");
        }
        List<LockAdmin> holding = new ArrayList<>();
        List<LockState> seen = new ArrayList<>();
        for (LockAdmin a : targets.require()) {
            a.inspect(name).ifPresent(s -> {
                holding.add(a);
                seen.add(s);
            });
        }
        PrintWriter out = out();
        if (seen.isEmpty()) {
            report(List.of(), "lock '" + name + "' is not held; nothing to release");
            return ExitCodes.NOT_FOUND;
        }
        if (!force) {
            if (!json()) {
                seen.forEach(s -> InspectCommand.print(out, s));
            }
            throw new CliException(ExitCodes.REFUSED, "refusing to evict the holder of '" + name
                    + "' without --force; add --force --reason \"...\" (the holder loses its lease"
                    + " and its fencing token " + seen.get(0).token() + " becomes stale)");
        }
        LockAdmin.Operator op = operator(operator);
        List<Map<String, Object>> results = new ArrayList<>();
        int code = ExitCodes.UNSUPPORTED;
        boolean evicted = false;
        boolean auditFailed = false;
        for (int i = 0; i < holding.size(); i++) {
            Eviction e = holding.get(i).forceRelease(seen.get(i), op, reason.trim());
            results.add(result(holding.get(i).backend(), e));
            switch (e.outcome()) {
                case RELEASED, HANDED_TO_WAITER -> {
                    evicted = true;
                    auditFailed |= e.auditFailure().isPresent();
                }
                case NOT_HELD -> code = Math.min(code, ExitCodes.NOT_FOUND);
                case HOLDER_CHANGED -> code = Math.min(code, ExitCodes.REFUSED);
                default -> { }
            }
            if (!json()) {
                print(out, holding.get(i).backend(), e);
            }
        }
        if (evicted && holding.size() > 1 && !json()) {
            out.println("(dual: the evicted holder also releases its file lock when it notices the"
                    + " loss)");
        }
        int exit = evicted ? (auditFailed ? ExitCodes.AUDIT_FAILED : ExitCodes.OK) : code;
        if (json()) {
            Map<String, Object> m = Json.object();
            m.put("name", name);
            m.put("operator", op.toString());
            m.put("results", results);
            out.println(Json.pretty(m));
        }
        return exit;
    }

    private void report(List<Map<String, Object>> results, String text) {
        if (json()) {
            Map<String, Object> m = Json.object();
            m.put("name", name);
            m.put("results", results);
            m.put("message", text);
            out().println(Json.pretty(m));
        } else {
            out().println(text);
        }
    }

    private static Map<String, Object> result(String backend, Eviction e) {
        Map<String, Object> m = Json.object();
        m.put("backend", backend);
        m.put("outcome", e.outcome().name().toLowerCase(java.util.Locale.ROOT));
        m.put("evicted", e.evicted());
        m.put("token", e.token());
        m.put("nextToken", e.nextToken());
        m.put("newHolder", e.newHolder().isEmpty() ? null : e.newHolder());
        m.put("detail", e.detail());
        m.put("auditFailure", e.auditFailure().orElse(null));
        return m;
    }

    private static void print(PrintWriter out, String backend, Eviction e) {
        switch (e.outcome()) {
            case RELEASED -> out.println(backend + ": evicted " + e.evicted() + " (token "
                    + e.token() + "); the lock is free; the fence is now " + e.nextToken());
            case HANDED_TO_WAITER -> out.println(backend + ": evicted " + e.evicted() + " (token "
                    + e.token() + "); handed to waiter " + LockAdmin.shortId(e.newHolder())
                    + " with token " + e.nextToken());
            default -> out.println(backend + ": " + e.detail());
        }
        if (e.outcome() == Eviction.Outcome.RELEASED || e.outcome() == Eviction.Outcome.HANDED_TO_WAITER) {
            out.println("  " + e.detail());
            out.println(e.auditFailure().map(f -> "  WARNING: the audit record was NOT written: " + f)
                    .orElse("  audit record written"));
        }
    }
}
