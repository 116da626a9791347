package io.holdfast.cli;

import io.holdfast.lock.spi.AuditRecord;
import io.holdfast.lock.spi.LockAdmin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code holdfast audit}: the latest operator actions. */
@Command(name = "audit", description = "Show the latest operator actions (forced releases, flag"
        + " changes) from the capped audit trail: the Redis stream <namespace>:audit, or"
        + " <LOCK_DIR>/.audit.log.")
final class AuditCommand extends BaseCommand {

    @Option(names = "--limit", defaultValue = "20", description = "records to show (default 20)")
    int limit;

    @Override
    int run(Targets targets) {
        if (limit < 1) {
            throw new CliException(ExitCodes.USAGE, "--limit must be at least 1, but was " + limit);
        }
        List<Map<String, Object>> all = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (LockAdmin a : targets.require()) {
            for (AuditRecord r : a.audit(limit)) {
                all.add(Views.audit(a.backend(), r));
                List<String> row = new ArrayList<>();
                if (targets.several()) {
                    row.add(a.backend());
                }
                row.addAll(List.of(Text.time(r.at()), r.action(), r.name(), r.operator(),
                        r.holder().isEmpty() ? "-" : r.holder(),
                        r.token() == 0 ? "-" : r.token() + " -> " + r.nextToken(), r.reason()));
                rows.add(row);
            }
        }
        if (json()) {
            Map<String, Object> m = Json.object();
            m.put("records", all);
            out().println(Json.pretty(m));
        } else if (rows.isEmpty()) {
            out().println("no audit records");
        } else {
            out().print(Text.table(Views.header(List.of("AT", "ACTION", "NAME", "OPERATOR",
                    "HOLDER", "TOKEN", "REASON"), targets.several()), rows));
        }
        return ExitCodes.OK;
    }
}
