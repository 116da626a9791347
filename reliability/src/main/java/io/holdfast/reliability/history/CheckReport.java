package io.holdfast.reliability.history;

import io.holdfast.reliability.fence.FencedRegister;
import java.util.List;

/**
 * What {@link HistoryChecker} found in one run.
 *
 * @param grants acquires that returned a lease
 * @param unknownAcquires acquires whose outcome the client could not know
 * @param overlaps pairs of holds of one resource by different owners covering a common instant
 * @param tokenReuses the same token granted to two owners for one resource (only after Redis lost data)
 * @param sharedTokenWrites accepted fenced writes of one token by two writers: a fence checking
 *     {@code token >= highest} cannot tell them apart, so these count as unsafe
 * @param tokenRegressions grants whose token is not above that of a hold released before they began
 * @param writesAccepted fenced writes accepted
 * @param writesRejected fenced writes rejected as stale (the fence doing its job)
 * @param staleAccepted accepted fenced writes whose token was below one accepted earlier
 * @param lossesReported leases reported lost
 * @param flagsLost descriptions of acknowledged flags a later read did not find
 * @param unavailability windows (nanos) from the first backend failure after a success to the next success
 * @param longestGrantGap the longest time between two consecutive grants (any owner, any resource)
 * @param tornReads reads that saw a value a live writer was writing, or a value that changed within
 *     one shared hold (see {@link HistoryChecker})
 * @param halfWritesSeen reads that saw the half-written value of a writer that never completed it
 * @param readsRefused fenced reads refused as stale (the reader had lost its lock to a writer)
 */
public record CheckReport(long grants, long unknownAcquires, List<Overlap> overlaps, List<String> tokenReuses,
        List<String> sharedTokenWrites,
        List<String> tokenRegressions, long writesAccepted, long writesRejected,
        List<FencedRegister.Write> staleAccepted, long lossesReported, List<String> flagsLost,
        List<Window> unavailability, Window longestGrantGap, List<String> tornReads, long halfWritesSeen,
        long readsRefused) {

    /** Two holds covering a common instant. */
    public record Overlap(Hold first, Hold second) {
        /** How long both were held, in nanoseconds. */
        public long nanos() {
            return Math.min(first.endNanos(), second.endNanos()) - Math.max(first.startNanos(), second.startNanos());
        }
    }

    /** A time without successful operations. */
    public record Window(long startNanos, long endNanos) {
        /** Its length in milliseconds. */
        public long millis() {
            return (endNanos - startNanos) / 1_000_000;
        }
    }

    /** The longest unavailability window in milliseconds, 0 if none. */
    public long maxUnavailableMillis() {
        return unavailability.stream().mapToLong(Window::millis).max().orElse(0);
    }

    /** True when the fenced resource stayed safe: no stale write and no shared token accepted. */
    public boolean fenceSafe() {
        return staleAccepted.isEmpty() && sharedTokenWrites.isEmpty();
    }

    /** True when tokens strictly increased: none reused, none below a hold that had ended. */
    public boolean tokensMonotonic() {
        return tokenReuses.isEmpty() && tokenRegressions.isEmpty();
    }

    /**
     * The grep-able summary line: {@code RELIABILITY scenario=<name> grants=... overlaps=...
     * stale_accepted=... <extra>}.
     */
    public String line(String scenario, String extra) {
        return "RELIABILITY scenario=" + scenario + " grants=" + grants + " unknown=" + unknownAcquires
                + " overlaps=" + overlaps.size() + " token_reuses=" + tokenReuses.size()
                + " shared_token_writes=" + sharedTokenWrites.size()
                + " token_regressions=" + tokenRegressions.size() + " writes_accepted=" + writesAccepted
                + " stale_rejected=" + writesRejected + " stale_accepted=" + staleAccepted.size()
                + " losses_reported=" + lossesReported + " flags_lost=" + flagsLost.size()
                + " max_unavailable_ms=" + maxUnavailableMillis() + " max_grant_gap_ms=" + longestGrantGap.millis()
                + " torn_reads=" + tornReads.size() + " half_writes_seen=" + halfWritesSeen
                + " reads_refused=" + readsRefused + (extra == null || extra.isEmpty() ? "" : " " + extra);
    }

    /** The first few overlaps, stale writes, token conflicts and regressions and lost flags, for failure messages. */
    public String details() {
        return "overlaps " + first(overlaps) + "; stale accepted " + first(staleAccepted) + "; shared-token writes "
                + first(sharedTokenWrites) + "; token reuses " + first(tokenReuses) + "; token regressions "
                + first(tokenRegressions) + "; flags lost " + first(flagsLost) + "; torn reads " + first(tornReads);
    }

    private static String first(List<?> items) {
        return items.size() <= 5 ? items.toString() : items.subList(0, 5) + " and " + (items.size() - 5) + " more";
    }

    @Override
    public String toString() {
        return "CheckReport[" + line("-", "").substring("RELIABILITY scenario=- ".length()) + "; " + details() + "]";
    }
}
