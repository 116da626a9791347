package io.holdfast.reliability.history;

import io.holdfast.reliability.fence.FencedRegister;
import io.holdfast.reliability.history.CheckReport.Overlap;
import io.holdfast.reliability.history.CheckReport.Window;
import io.holdfast.reliability.history.Event.Op;
import io.holdfast.reliability.history.Event.Phase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a merged history and the fenced register's record for the properties of the reliability
 * suite: overlapping holds, fencing tokens reused or going backwards, stale writes accepted,
 * acknowledged flags lost, and windows without successful operations.
 *
 * <p>Holds are taken as their owners believed them (acquire OK to release invocation), a subset of
 * the time the lock key existed in a correct run, so a correct run never shows an overlap; a
 * holder paused past its lease does, which is why the fence exists.
 */
public final class HistoryChecker {

    /** Failure details starting with this are a lock that was busy, not a backend failure. */
    public static final String TIMEOUT = "timeout";
    private static final int MAX_LISTED = 10_000;

    private HistoryChecker() {
    }

    /** Checks {@code events} (any order) and {@code writes} (register order). */
    public static CheckReport check(List<Event> events, List<FencedRegister.Write> writes) {
        List<Event> sorted = events.stream().sorted(Comparator.comparingLong(Event::nanos))
                .collect(Collectors.toList());
        List<Hold> holds = holds(sorted);
        long grants = holds.size();
        long unknown = sorted.stream().filter(e -> e.op() == Op.ACQUIRE && e.phase() == Phase.UNKNOWN).count();
        return new CheckReport(grants, unknown, overlaps(holds), tokenReuses(holds), sharedTokenWrites(writes),
                tokenRegressions(holds),
                writes.stream().filter(FencedRegister.Write::accepted).count(),
                writes.stream().filter(w -> !w.accepted()).count(), staleAccepted(writes),
                sorted.stream().filter(e -> e.op() == Op.LOST).count(), FlagChecker.lostFlags(sorted),
                unavailability(sorted), longestGrantGap(holds));
    }

    /** Reconstructs every hold from the events (sorted by time). */
    public static List<Hold> holds(List<Event> sorted) {
        Map<String, Long> invoked = new HashMap<>();
        Map<String, Hold> open = new HashMap<>();
        Map<String, Long> lastByProcess = new HashMap<>();
        List<Hold> done = new ArrayList<>();
        for (Event e : sorted) {
            lastByProcess.put(e.process(), e.nanos());
            String key = e.owner() + "\u0000" + e.resource();
            if (e.op() == Op.ACQUIRE && e.phase() == Phase.INVOKE) {
                invoked.put(key, e.nanos());
            } else if (e.op() == Op.ACQUIRE && e.phase() == Phase.OK) {
                open.put(key, new Hold(e.resource(), e.owner(), e.value(), invoked.getOrDefault(key, e.nanos()),
                        e.nanos(), Long.MAX_VALUE));
            } else if ((e.op() == Op.RELEASE && e.phase() == Phase.INVOKE) || e.op() == Op.LOST) {
                Hold hold = open.remove(key);
                if (hold != null) {
                    done.add(end(hold, e.nanos()));
                }
            }
        }
        for (Hold hold : open.values()) {
            String process = hold.owner().substring(0, hold.owner().indexOf('/'));
            done.add(end(hold, lastByProcess.get(process)));
        }
        done.sort(Comparator.comparingLong(Hold::startNanos));
        return done;
    }

    private static Hold end(Hold hold, long endNanos) {
        return new Hold(hold.resource(), hold.owner(), hold.token(), hold.invokedNanos(), hold.startNanos(),
                Math.max(endNanos, hold.startNanos()));
    }

    private static Map<String, List<Hold>> byResource(List<Hold> holds) {
        return holds.stream().collect(Collectors.groupingBy(Hold::resource));
    }

    static List<Overlap> overlaps(List<Hold> holds) {
        List<Overlap> found = new ArrayList<>();
        for (List<Hold> ofResource : byResource(holds).values()) {
            List<Hold> active = new ArrayList<>();
            for (Hold hold : ofResource) { // sorted by start
                active.removeIf(a -> a.endNanos() <= hold.startNanos());
                for (Hold other : active) {
                    if (!other.owner().equals(hold.owner()) && other.overlaps(hold) && found.size() < MAX_LISTED) {
                        found.add(new Overlap(other, hold));
                    }
                }
                active.add(hold);
            }
        }
        return found;
    }

    static List<String> tokenReuses(List<Hold> holds) {
        Map<String, String> ownerOfToken = new HashMap<>();
        List<String> conflicts = new ArrayList<>();
        for (Hold hold : holds) {
            String key = hold.resource() + "#" + hold.token();
            String previous = ownerOfToken.putIfAbsent(key, hold.owner());
            if (previous != null && !previous.equals(hold.owner())) {
                conflicts.add("token " + hold.token() + " of '" + hold.resource() + "' granted to " + previous
                        + " and " + hold.owner());
            }
        }
        return conflicts;
    }

    static List<String> sharedTokenWrites(List<FencedRegister.Write> writes) {
        List<String> conflicts = new ArrayList<>();
        Map<String, String> writerOfToken = new HashMap<>();
        for (FencedRegister.Write write : writes) {
            if (!write.accepted()) {
                continue;
            }
            String key = write.resource() + "#" + write.token();
            String previous = writerOfToken.putIfAbsent(key, write.writer());
            if (previous != null && !previous.equals(write.writer())) {
                conflicts.add("writes with token " + write.token() + " of '" + write.resource()
                        + "' accepted from " + previous + " and " + write.writer());
            }
        }
        return conflicts;
    }

    static List<String> tokenRegressions(List<Hold> holds) {
        List<String> regressions = new ArrayList<>();
        for (List<Hold> ofResource : byResource(holds).values()) {
            List<Hold> byEnd = new ArrayList<>(ofResource);
            byEnd.sort(Comparator.comparingLong(Hold::endNanos));
            List<Hold> byInvoke = new ArrayList<>(ofResource);
            byInvoke.sort(Comparator.comparingLong(Hold::invokedNanos));
            int ended = 0;
            Hold highest = null;
            for (Hold hold : byInvoke) {
                while (ended < byEnd.size() && byEnd.get(ended).endNanos() < hold.invokedNanos()) {
                    Hold finished = byEnd.get(ended++);
                    if (highest == null || finished.token() > highest.token()) {
                        highest = finished;
                    }
                }
                if (highest != null && hold.token() <= highest.token()) {
                    regressions.add("'" + hold.resource() + "' granted token " + hold.token() + " to "
                            + hold.owner() + " after " + highest.owner() + " had ended its hold of token "
                            + highest.token());
                }
            }
        }
        return regressions;
    }

    static List<FencedRegister.Write> staleAccepted(List<FencedRegister.Write> writes) {
        Map<String, Long> highest = new HashMap<>();
        List<FencedRegister.Write> stale = new ArrayList<>();
        for (FencedRegister.Write write : writes) {
            if (!write.accepted()) {
                continue;
            }
            long before = highest.getOrDefault(write.resource(), Long.MIN_VALUE);
            if (write.token() < before) {
                stale.add(write);
            }
            highest.put(write.resource(), Math.max(before, write.token()));
        }
        return stale;
    }

    static List<Window> unavailability(List<Event> sorted) {
        List<Window> windows = new ArrayList<>();
        long start = -1;
        for (Event e : sorted) {
            if (e.op() == Op.WRITE || e.op() == Op.LOST || e.phase() == Phase.INVOKE) {
                continue;
            }
            boolean failed = e.phase() == Phase.UNKNOWN
                    || (e.phase() == Phase.FAIL && !e.detail().startsWith(TIMEOUT));
            if (failed && start < 0) {
                start = e.nanos();
            } else if (e.phase() == Phase.OK && start >= 0) {
                windows.add(new Window(start, e.nanos()));
                start = -1;
            }
        }
        if (start >= 0) {
            windows.add(new Window(start, sorted.get(sorted.size() - 1).nanos()));
        }
        return windows;
    }

    static Window longestGrantGap(List<Hold> holds) {
        Window longest = new Window(0, 0);
        for (int i = 1; i < holds.size(); i++) {
            Window gap = new Window(holds.get(i - 1).startNanos(), holds.get(i).startNanos());
            if (gap.endNanos() - gap.startNanos() > longest.endNanos() - longest.startNanos()) {
                longest = gap;
            }
        }
        return longest;
    }
}
