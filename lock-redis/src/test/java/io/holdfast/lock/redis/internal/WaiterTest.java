package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.redis.internal.LockProtocol.Attempt;
import io.holdfast.lock.redis.internal.LockProtocol.Mode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The acquire loop of a polling {@link Waiter} (no pub/sub), driven through its seams: scripted
 * round trips, a fake monotonic clock and a pause that only moves that clock. Covers the
 * deadline, the refresh of a queued entry and the last attempt that leaves the queue or takes a
 * lock granted meanwhile. No Redis and no waiting.
 */
class WaiterTest {

    private static final long REFRESH = Duration.ofSeconds(1).toNanos();
    private static final KeyLayout.LockKeys KEYS = new KeyLayout("ns").lock("r");

    private final AtomicLong clock = new AtomicLong(5_000_000_000L);
    private final List<Sent> sent = new ArrayList<>();
    private final List<Long> pauses = new ArrayList<>();
    private final Deque<Attempt> replies = new ArrayDeque<>();

    /** One round trip: its mode and when it was sent on the fake clock. */
    private record Sent(Mode mode, long atNanos) {}

    private final Waiter waiter = new Waiter((keys, owner, mode, shared, deadline) -> {
        sent.add(new Sent(mode, clock.get()));
        Attempt next = replies.poll();
        return next != null ? next : busy(0, true);
    }, 0, null, REFRESH, clock::get, nanos -> {
        pauses.add(nanos);
        clock.addAndGet(nanos);
    });

    private static Attempt granted(long token) {
        return new Attempt(token, 0, 0, false, 0, false);
    }

    private static Attempt busy(long holderLeftMillis, boolean queued) {
        return new Attempt(0, holderLeftMillis, 10, queued, 0, false);
    }

    private RedisGrant await(long waitNanos) throws InterruptedException {
        return waiter.await(KEYS, "me", false, clock.get() + waitNanos,
                (token, sentNanos, claim) -> new RedisGrant("r", token, sentNanos, sentNanos, claim,
                        false, KEYS, "me", (g, reason) -> { }));
    }

    @Test
    void noTimeLeft_makesOneAttempt_thatNeverQueues() throws Exception {
        assertThat(await(0)).isNull();
        assertThat(sent).extracting(Sent::mode).containsExactly(Mode.TRY);

        replies.add(granted(42));
        assertThat(await(0).fencingToken()).isEqualTo(42);
    }

    @Test
    void freeLock_isTakenByTheFirstAttempt_whichWouldHaveQueued() throws Exception {
        replies.add(granted(7));
        assertThat(await(REFRESH).fencingToken()).isEqualTo(7);
        assertThat(sent).extracting(Sent::mode).containsExactly(Mode.JOIN);
    }

    @Test
    void queuedWaiter_refreshesAtLeastEveryRefreshPeriod_andLeavesAtTheDeadline() throws Exception {
        long start = clock.get();
        long wait = Duration.ofMillis(3_500).toNanos();

        assertThat(await(wait)).isNull();

        assertThat(sent.get(0).mode()).isEqualTo(Mode.JOIN);
        assertThat(sent.subList(1, sent.size() - 1)).extracting(Sent::mode).containsOnly(Mode.QUEUED);
        Sent last = sent.get(sent.size() - 1);
        assertThat(last.mode()).isEqualTo(Mode.LEAVE);
        assertThat(last.atNanos()).as("left only once the deadline passed").isGreaterThanOrEqualTo(start + wait);
        for (int i = 1; i < sent.size(); i++) {
            assertThat(sent.get(i).atNanos() - sent.get(i - 1).atNanos())
                    .as("gap before round trip %d", i).isLessThanOrEqualTo(REFRESH);
        }
        assertThat(pauses).as("pauses grow (with jitter) up to the refresh period")
                .allSatisfy(p -> assertThat(p).isPositive().isLessThanOrEqualTo(REFRESH));
        assertThat(pauses.get(pauses.size() - 2)).isGreaterThanOrEqualTo(REFRESH / 2);
    }

    @Test
    void holderWhoseLeaseEndsSoon_isRetriedRightAfterIt() throws Exception {
        replies.add(busy(200, true)); // the holder's lease has 200ms left
        replies.add(granted(9));
        assertThat(await(Duration.ofSeconds(10).toNanos()).fencingToken()).isEqualTo(9);
        assertThat(sent).extracting(Sent::mode).containsExactly(Mode.JOIN, Mode.QUEUED);
        assertThat(pauses).singleElement().satisfies(p -> assertThat(p)
                .isLessThanOrEqualTo(Duration.ofMillis(201).toNanos()));
    }

    @Test
    void grantedWhileGivingUp_takesTheLockAfterAll() throws Exception {
        long wait = Duration.ofMillis(100).toNanos();
        for (int i = 0; i < 100; i++) {
            replies.add(busy(0, true));
        }
        Attempt leaveGranted = granted(11);
        Waiter leaving = new Waiter((keys, owner, mode, shared, deadline) -> {
            sent.add(new Sent(mode, clock.get()));
            return mode == Mode.LEAVE ? leaveGranted : busy(0, true);
        }, 0, null, REFRESH, clock::get, clock::addAndGet);
        RedisGrant g = leaving.await(KEYS, "me", false, clock.get() + wait,
                (token, sentNanos, claim) -> new RedisGrant("r", token, sentNanos, sentNanos, claim,
                        false, KEYS, "me", (x, reason) -> { }));
        assertThat(g.fencingToken()).isEqualTo(11);
        assertThat(sent.get(sent.size() - 1).mode()).isEqualTo(Mode.LEAVE);
    }

    @Test
    void ownerNoLongerQueued_joinsAgain() throws Exception {
        replies.add(busy(0, true));
        replies.add(busy(0, false)); // its entry expired, or a stale grant popped it
        replies.add(granted(5));
        assertThat(await(Duration.ofSeconds(10).toNanos()).fencingToken()).isEqualTo(5);
        assertThat(sent).extracting(Sent::mode).containsExactly(Mode.JOIN, Mode.QUEUED, Mode.JOIN);
    }

    @Test
    void grantGivenBackForLackOfReplicaAcks_isRetriedByPolling() throws Exception {
        replies.add(granted(3).undo());
        replies.add(granted(4));
        assertThat(await(Duration.ofSeconds(10).toNanos()).fencingToken()).isEqualTo(4);
        assertThat(sent).extracting(Sent::mode).containsExactly(Mode.JOIN, Mode.JOIN);
        assertThat(pauses).hasSize(1);
    }
}
