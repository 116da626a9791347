package io.holdfast.reliability.history;

import io.holdfast.reliability.history.Event.Op;
import io.holdfast.reliability.history.Event.Phase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds acknowledged status flags that a later read did not see although nobody cleared or set the
 * flag in between and its TTL could not have run out.
 */
final class FlagChecker {

    private record Op2(long invoked, long completed, Event outcome) {
    }

    private FlagChecker() {
    }

    static List<String> lostFlags(List<Event> sorted) {
        Map<String, Long> pending = new HashMap<>();
        Map<String, List<Op2>> mutations = new HashMap<>();
        List<Op2> absentReads = new ArrayList<>();
        for (Event e : sorted) {
            if (e.op() != Op.FLAG_SET && e.op() != Op.FLAG_CLEAR && e.op() != Op.FLAG_READ) {
                continue;
            }
            String key = e.owner() + "\u0000" + e.op() + "\u0000" + e.resource();
            if (e.phase() == Phase.INVOKE) {
                pending.put(key, e.nanos());
                continue;
            }
            long invoked = pending.getOrDefault(key, e.nanos());
            Op2 op = new Op2(invoked, e.nanos(), e);
            if (e.op() == Op.FLAG_READ) {
                if (e.phase() == Phase.OK && e.value() == 0) {
                    absentReads.add(op);
                }
            } else {
                // a failed or unknown mutation may still have happened: it counts as a mutation
                mutations.computeIfAbsent(e.resource(), k -> new ArrayList<>()).add(op);
            }
        }
        List<String> lost = new ArrayList<>();
        for (Op2 read : absentReads) {
            String flag = read.outcome().resource();
            List<Op2> ofFlag = mutations.getOrDefault(flag, List.of());
            for (Op2 set : ofFlag) {
                Event s = set.outcome();
                boolean acknowledgedBefore = s.op() == Op.FLAG_SET && s.phase() == Phase.OK
                        && set.completed() < read.invoked();
                boolean unexpired = read.completed() < set.invoked() + s.value() * 1_000_000L;
                boolean untouched = ofFlag.stream().noneMatch(m -> m != set && m.invoked() < read.completed()
                        && m.completed() > set.invoked());
                if (acknowledgedBefore && unexpired && untouched) {
                    lost.add("flag '" + flag + "' set by " + s.owner() + " (ttl " + s.value() + "ms) not seen by "
                            + read.outcome().owner() + " " + (read.invoked() - set.completed()) / 1_000_000
                            + "ms after the set was acknowledged");
                    break;
                }
            }
        }
        return lost;
    }
}
