package io.holdfast.lock.redis.admin;

import io.holdfast.lock.spi.AuditRecord;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail of operator actions: the stream {@code <ns>:audit}, capped at about
 * {@value #MAX_RECORDS} entries by {@code XADD ... MAXLEN ~}. It is a separate command after the
 * action: in a Cluster the stream and a lock live in different slots, so no script can write both.
 */
final class AuditStream {

    /** Records kept (approximately: Redis trims whole stream nodes). */
    static final int MAX_RECORDS = 10_000;

    private final RedisReads reads;
    private final String key;

    AuditStream(RedisReads reads, String namespace) {
        this.reads = reads;
        this.key = namespace + ":audit";
    }

    String key() {
        return key;
    }

    void append(AuditRecord r) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("at", Long.toString(r.at().toEpochMilli()));
        f.put("action", r.action());
        f.put("name", r.name());
        f.put("operator", r.operator());
        f.put("reason", r.reason());
        f.put("holder", r.holder());
        f.put("token", Long.toString(r.token()));
        f.put("next", Long.toString(r.nextToken()));
        XAddArgs cap = XAddArgs.Builder.maxlen(MAX_RECORDS).approximateTrimming();
        reads.call("writing the audit record to " + key, () -> reads.commands().xadd(key, cap, f));
    }

    List<AuditRecord> latest(int limit) {
        List<StreamMessage<String, String>> newestFirst = reads.call("reading " + key,
                () -> reads.commands().xrevrange(key, Range.unbounded(), Limit.from(limit)));
        List<AuditRecord> out = new ArrayList<>();
        for (StreamMessage<String, String> m : newestFirst) {
            Map<String, String> f = m.getBody();
            out.add(new AuditRecord(Instant.ofEpochMilli(number(f.get("at"))),
                    f.getOrDefault("action", "?"), f.getOrDefault("name", ""),
                    f.getOrDefault("operator", ""), f.getOrDefault("reason", ""),
                    f.getOrDefault("holder", ""), number(f.get("token")), number(f.get("next"))));
        }
        Collections.reverse(out);
        return out;
    }

    private static long number(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
