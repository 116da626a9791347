package io.holdfast.cli;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.spi.AuditRecord;
import io.holdfast.lock.spi.InstanceInfo;
import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockState;
import io.holdfast.lock.spi.QueueEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The one mapping of admin records to table rows and JSON objects. */
final class Views {

    static final List<String> LOCK_HEADER = List.of("NAME", "HOLDER", "TOKEN", "LEASE LEFT",
            "SINCE", "QUEUE", "OLDEST WAIT");

    private Views() {}

    static List<String> header(List<String> columns, boolean withBackend) {
        if (!withBackend) {
            return columns;
        }
        List<String> h = new ArrayList<>();
        h.add("BACKEND");
        h.addAll(columns);
        return h;
    }

    static List<String> lockRow(LockState l, boolean withBackend) {
        List<String> row = new ArrayList<>();
        if (withBackend) {
            row.add(l.backend());
        }
        row.add(l.name());
        row.add(l.holderName());
        row.add(Long.toString(l.token()));
        row.add(Text.duration(l.leaseLeft()));
        row.add(Text.age(l.acquiredAt()));
        row.add(Integer.toString(l.queueLength()));
        row.add(Text.duration(l.oldestWait()));
        return row;
    }

    static Map<String, Object> lock(LockState l) {
        Map<String, Object> m = Json.object();
        m.put("backend", l.backend());
        m.put("name", l.name());
        m.put("mode", l.mode());
        m.put("readers", l.readers());
        Map<String, Object> holder = Json.object();
        holder.put("ownerId", l.ownerId());
        holder.put("thread", l.thread());
        holder.put("instance", l.holder().map(Views::instance).orElse(null));
        m.put("holder", holder);
        m.put("token", l.token());
        m.put("acquiredAt", Json.time(l.acquiredAt()));
        m.put("leaseLeftMs", Json.millis(l.leaseLeft()));
        m.put("queueLength", l.queueLength());
        m.put("oldestWaitMs", Json.millis(l.oldestWait()));
        List<Object> queue = new ArrayList<>();
        for (QueueEntry q : l.queue()) {
            Map<String, Object> e = Json.object();
            e.put("ownerId", q.ownerId());
            e.put("thread", q.thread());
            e.put("waitedMs", Json.millis(q.waited()));
            e.put("instance", q.instance().map(Views::instance).orElse(null));
            queue.add(e);
        }
        m.put("queue", queue);
        return m;
    }

    static Map<String, Object> instance(InstanceInfo i) {
        Map<String, Object> m = Json.object();
        m.put("ownerId", i.ownerId());
        m.put("host", i.host());
        m.put("pid", i.pid().isPresent() ? i.pid().getAsLong() : null);
        m.put("processStart", i.processStart().map(Instant::toString).orElse(null));
        m.put("version", i.version());
        m.put("backend", i.backend());
        m.put("app", i.app());
        m.put("role", i.role());
        m.put("expiresInMs", Json.millis(i.expiresIn()));
        return m;
    }

    /** A flag owner as an operator recognises it: the registered instance, else the raw owner. */
    static String owner(String owner, Map<String, InstanceInfo> instances) {
        InstanceInfo i = instances.get(owner);
        return i == null ? owner : i.describe() + " (" + LockAdmin.shortId(owner) + ")";
    }

    static Map<String, Object> flag(String backend, FlagInfo f, Map<String, InstanceInfo> instances) {
        Map<String, Object> m = Json.object();
        m.put("backend", backend);
        m.put("name", f.name());
        m.put("owner", f.owner());
        InstanceInfo i = instances.get(f.owner());
        m.put("instance", i == null ? null : instance(i));
        m.put("setAt", Json.time(f.setAt()));
        m.put("expiresAt", Json.time(f.expiresAt()));
        m.put("ttlLeftMs", ttlLeft(f).toMillis());
        return m;
    }

    static Duration ttlLeft(FlagInfo f) {
        return f.expiresAt().equals(Instant.MAX) ? Duration.ZERO
                : Duration.between(Instant.now(), f.expiresAt()).isNegative() ? Duration.ZERO
                : Duration.between(Instant.now(), f.expiresAt());
    }

    static Map<String, Object> audit(String backend, AuditRecord r) {
        Map<String, Object> m = Json.object();
        m.put("backend", backend);
        m.put("at", r.at().toString());
        m.put("action", r.action());
        m.put("name", r.name());
        m.put("operator", r.operator());
        m.put("reason", r.reason());
        m.put("holder", r.holder());
        m.put("token", r.token());
        m.put("nextToken", r.nextToken());
        return m;
    }

    static Map<String, Object> finding(LockAdmin.Finding f) {
        Map<String, Object> m = Json.object();
        m.put("name", f.name());
        m.put("value", f.value());
        m.put("warning", f.warning().orElse(null));
        return m;
    }

    static String orDash(Optional<String> s) {
        return s.filter(x -> !x.isEmpty()).orElse("-");
    }
}
