package io.holdfast.cli;

import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockState;
import io.holdfast.lock.spi.QueueEntry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code holdfast inspect NAME}: one lock with its queue. */
@Command(name = "inspect", description = "Show one lock: holder instance, token, lease, and the"
        + " queue of waiting processes in order. Exit 1 when the lock is not held.")
final class InspectCommand extends BaseCommand {

    @Parameters(paramLabel = "NAME", description = "the lock (resource) name")
    String name;

    @Override
    int run(Targets targets) {
        List<LockState> found = new ArrayList<>();
        for (LockAdmin a : targets.require()) {
            a.inspect(name).ifPresent(found::add);
        }
        if (json()) {
            Map<String, Object> m = Json.object();
            m.put("name", name);
            m.put("held", !found.isEmpty());
            m.put("locks", found.stream().map(Views::lock).toList());
            out().println(Json.pretty(m));
        } else if (found.isEmpty()) {
            out().println("lock '" + name + "' is not held");
        } else {
            found.forEach(l -> print(out(), l));
        }
        return found.isEmpty() ? ExitCodes.NOT_FOUND : ExitCodes.OK;
    }

    static void print(PrintWriter out, LockState l) {
        out.println("lock      " + l.name() + " (" + l.backend() + ", " + l.mode() + ")");
        out.println("holder    " + l.holderName());
        out.println("owner id  " + l.ownerId());
        l.holder().ifPresent(i -> out.println("instance  " + i.describe() + ", pid start "
                + i.processStart().map(Text::time).orElse("-") + ", holdfast " + i.version()));
        out.println("token     " + l.token());
        out.println("since     " + Text.age(l.acquiredAt()) + " (its acquire began "
                + Text.time(l.acquiredAt()) + ")");
        out.println("lease     " + l.leaseLeft().map(Text::duration).map(d -> d + " left")
                .orElse("none (held until its process releases it or exits)"));
        out.println("queue     " + l.queueLength() + (l.queueLength() == 0 ? "" : ", oldest waited "
                + Text.duration(l.oldestWait())));
        List<List<String>> rows = new ArrayList<>();
        int i = 1;
        for (QueueEntry q : l.queue()) {
            rows.add(List.of(Integer.toString(i++), q.instance().map(x -> x.describe())
                    .orElse(LockAdmin.shortId(q.ownerId())), q.thread(), Text.duration(q.waited())));
        }
        if (!rows.isEmpty()) {
            out.print(Text.table(List.of("#", "WAITER", "THREAD", "WAITED"), rows));
        }
    }
}
