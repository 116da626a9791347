package io.holdfast.cli;

import io.holdfast.lock.spi.InstanceInfo;
import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code holdfast instances}: live instances and what each holds. */
@Command(name = "instances", description = "List the live instances (Redis: registered by each"
        + " manager, expiring with its lease; file: processes holding or waiting for a lock, or"
        + " owning a flag) and the locks each holds.")
final class InstancesCommand extends BaseCommand {

    @Override
    int run(Targets targets) {
        List<Map<String, Object>> all = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (LockAdmin a : targets.require()) {
            List<LockState> locks = a.locks(n -> true);
            for (InstanceInfo i : a.instances()) {
                List<String> holds = locks.stream().filter(l -> l.ownerId().equals(i.ownerId()))
                        .map(LockState::name).toList();
                Map<String, Object> m = Views.instance(i);
                m.put("holds", holds);
                all.add(m);
                List<String> row = new ArrayList<>();
                if (targets.several()) {
                    row.add(a.backend());
                }
                row.addAll(List.of(i.describe(), i.role(), LockAdmin.shortId(i.ownerId()),
                        i.version(), i.processStart().map(Text::time).orElse("-"),
                        holds.isEmpty() ? "-" : String.join(", ", holds),
                        Text.duration(i.expiresIn())));
                rows.add(row);
            }
        }
        if (json()) {
            Map<String, Object> m = Json.object();
            m.put("instances", all);
            out().println(Json.pretty(m));
        } else if (rows.isEmpty()) {
            out().println("no live instances");
        } else {
            out().print(Text.table(Views.header(List.of("INSTANCE", "ROLE", "OWNER", "VERSION",
                    "STARTED", "HOLDS", "EXPIRES IN"), targets.several()), rows));
        }
        return ExitCodes.OK;
    }
}
