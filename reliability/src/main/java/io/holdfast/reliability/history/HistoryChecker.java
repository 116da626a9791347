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
 * holder paused past its lease does, which is why the fence exists. Shared holds (acquire events
 * with detail {@link Event#SHARED}) may overlap each other; an exclusive hold overlapping any
 * other hold is an overlap.
 *
 * <p>Reads: a writer writes its value in two steps under one token, so a read returning
 * {@code parts=1} saw it half-written. That is a <em>torn read</em> when the writer completed the
 * value later (the reader read while a live writer was writing), or when two reads of one shared
 * hold returned different values (a write landed under the reader); it is a <em>half write
 * seen</em> when the writer never completed it (it lost its lock half-way, e.g. frozen: no lock
 * can finish a dead writer's value, the fence only keeps it from finishing it late).
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
                unavailability(sorted), longestGrantGap(holds), tornReads(sorted, holds, writes),
                halfWritesSeen(sorted, writes),
                sorted.stream().filter(e -> e.op() == Op.READ && e.phase() == Phase.FAIL).count());
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
                        e.nanos(), Long.MAX_VALUE, Event.SHARED.equals(e.detail())));
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
                Math.max(endNanos, hold.startNanos()), hold.shared());
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
                    if (!other.owner().equals(hold.owner()) && other.conflicts(hold) && found.size() < MAX_LISTED) {
                        found.add(new Overlap(other, hold));
                    }
                }
                active.add(hold);
            }
        }
        return found;
    }

    static List<String> tornReads(List<Event> sorted, List<Hold> holds, List<FencedRegister.Write> writes) {
        Map<String, Long> completed = completedValues(writes);
        List<String> torn = new ArrayList<>();
        Map<String, List<Event>> readsByOwner = sorted.stream()
                .filter(e -> e.op() == Op.READ && e.phase() == Phase.OK)
                .collect(Collectors.groupingBy(e -> e.owner() + "\u0000" + e.resource()));
        for (List<Event> reads : readsByOwner.values()) {
            for (Event read : reads) {
                if (parts(read) == 1 && completed.containsKey(read.resource() + "#" + read.value())) {
                    torn.add(read.owner() + " read '" + read.resource() + "' half-written by token " + read.value()
                            + ", which its writer completed later");
                }
            }
        }
        for (Hold hold : holds) {
            List<Event> reads = readsByOwner.getOrDefault(hold.owner() + "\u0000" + hold.resource(), List.of())
                    .stream().filter(e -> e.nanos() >= hold.startNanos() && e.nanos() <= hold.endNanos()).toList();
            for (Event read : reads) {
                if (read.value() != reads.get(0).value() || parts(read) != parts(reads.get(0))) {
                    torn.add(hold.owner() + " read '" + hold.resource() + "' as token " + reads.get(0).value() + " "
                            + reads.get(0).detail() + " then as token " + read.value() + " " + read.detail()
                            + " within one hold of token " + hold.token());
                    break;
                }
            }
        }
        return torn;
    }

    static long halfWritesSeen(List<Event> sorted, List<FencedRegister.Write> writes) {
        Map<String, Long> completed = completedValues(writes);
        return sorted.stream().filter(e -> e.op() == Op.READ && e.phase() == Phase.OK && parts(e) == 1
                && !completed.containsKey(e.resource() + "#" + e.value())).count();
    }

    /** {@code resource#token} of every value whose writer got two writes accepted. */
    private static Map<String, Long> completedValues(List<FencedRegister.Write> writes) {
        Map<String, Long> acceptedWrites = writes.stream().filter(FencedRegister.Write::accepted)
                .collect(Collectors.groupingBy(w -> w.resource() + "#" + w.token(), Collectors.counting()));
        acceptedWrites.values().removeIf(n -> n < 2);
        return acceptedWrites;
    }

    private static int parts(Event read) {
        return read.detail().startsWith("parts=") ? Integer.parseInt(read.detail().substring("parts=".length())) : 0;
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
