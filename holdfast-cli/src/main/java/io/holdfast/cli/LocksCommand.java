package io.holdfast.cli;

import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code holdfast locks [PATTERN]}: every held lock. */
@Command(name = "locks", description = "List every held lock (Redis: incremental SCAN on every"
        + " primary; file: the lock directory): name, holder instance, fencing token, lease left,"
        + " how long held, live waiters and the oldest one's wait.")
final class LocksCommand extends BaseCommand {

    @Parameters(arity = "0..1", paramLabel = "PATTERN", description = "glob on names: * and ?")
    String pattern;

    @Override
    int run(Targets targets) {
        List<LockState> locks = read(targets, pattern);
        if (json()) {
            Map<String, Object> m = Json.object();
            m.put("locks", locks.stream().map(Views::lock).toList());
            out().println(Json.pretty(m));
        } else {
            out().print(table(targets, locks));
        }
        return ExitCodes.OK;
    }

    static List<LockState> read(Targets targets, String pattern) {
        Pattern p = pattern == null ? null : Text.glob(pattern);
        List<LockState> locks = new ArrayList<>();
        for (LockAdmin a : targets.require()) {
            locks.addAll(a.locks(n -> p == null || p.matcher(n).matches()));
        }
        return locks;
    }

    static String table(Targets targets, List<LockState> locks) {
        if (locks.isEmpty()) {
            return "no locks held (" + String.join("; ", targets.admins().stream()
                    .map(a -> a.backend() + " " + a.location()).toList()) + ")\n";
        }
        List<List<String>> rows = new ArrayList<>();
        for (LockState l : locks) {
            rows.add(Views.lockRow(l, targets.several()));
        }
        return Text.table(Views.header(Views.LOCK_HEADER, targets.several()), rows);
    }
}
