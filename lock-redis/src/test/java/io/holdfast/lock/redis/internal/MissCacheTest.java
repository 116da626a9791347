package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The miss cache's rules, each interleaving of a miss's reply with an invalidation, a flush, a
 * disconnect or a reconnect driven in order on a manual clock (the Redis side is {@code
 * MissCacheIT} and, through a fault proxy, {@code MissCacheReconnectIT}).
 */
class MissCacheTest {

    private static final String LOCK = "ns:{job}:lock";

    private long now = 1_000_000_000L;
    private final List<CompletableFuture<String>> enables = new ArrayList<>();
    private final MissCache cache = new MissCache(this::enable, () -> now);

    private CompletionStage<String> enable() {
        CompletableFuture<String> f = new CompletableFuture<>();
        enables.add(f);
        return f;
    }

    /** A cache whose tracking was confirmed on the current connection. */
    private MissCache tracked() {
        cache.enableTracking();
        enables.get(enables.size() - 1).complete("OK");
        return cache;
    }

    @Test
    void aMissSentAfterTrackingWasConfirmed_isRemembered_untilTheHoldersLeaseEnds() {
        tracked();
        MissCache.Ticket t = cache.beforeSend(LOCK);
        cache.remember(t, 500, 77);
        now += TimeUnit.MILLISECONDS.toNanos(200);
        assertThat(cache.busyMillis(LOCK)).isEqualTo(300);
        assertThat(cache.fence(LOCK)).isEqualTo(77);
        assertThat(cache.hits()).isEqualTo(1);
        now += TimeUnit.MILLISECONDS.toNanos(300); // counted from the send: never beyond the lease
        assertThat(cache.busyMillis(LOCK)).isEqualTo(-1);
        assertThat(cache.size()).isZero();
    }

    @Test
    void beforeTrackingIsConfirmed_nothingIsRemembered_andTrackingIsEnabledAgain() {
        assertThat(cache.beforeSend(LOCK)).isNull();
        assertThat(enables).hasSize(1);
        assertThat(cache.beforeSend(LOCK)).as("one CLIENT TRACKING ON per generation in flight").isNull();
        assertThat(enables).hasSize(1);
        enables.get(0).complete("OK");
        assertThat(cache.beforeSend(LOCK)).isNotNull();
    }

    @Test
    void trackingConfirmedByAReplyThatCrossedAReconnect_confirmsNothing() {
        cache.enableTracking();
        cache.connectionChanged(); // the command was replayed on the new connection, or lost
        enables.get(0).complete("OK");
        assertThat(cache.beforeSend(LOCK)).isNull();
        assertThat(enables).as("enabled again for the new connection").hasSize(2);
        enables.get(1).completeExceptionally(new IllegalStateException("NOPERM"));
        assertThat(cache.beforeSend(LOCK)).isNull();
        assertThat(enables).as("a failed enable is tried again by the next miss").hasSize(3);
    }

    @Test
    void invalidationBetweenSendAndReply_theMissIsNotRemembered() {
        tracked();
        MissCache.Ticket t = cache.beforeSend(LOCK);
        cache.invalidated(List.of(LOCK)); // the release ran after the script; its push came first
        cache.remember(t, 500, 1);
        assertThat(cache.busyMillis(LOCK)).isEqualTo(-1);
        MissCache.Ticket next = cache.beforeSend(LOCK); // the next miss is remembered again
        cache.remember(next, 500, 1);
        assertThat(cache.busyMillis(LOCK)).isPositive();
    }

    @Test
    void invalidationAfterTheMissWasRemembered_removesIt_alsoForTheLocksOtherKeys() {
        tracked();
        cache.remember(cache.beforeSend(LOCK), 500, 1);
        cache.invalidated(List.of("ns:{job}:readers"));
        assertThat(cache.busyMillis(LOCK)).isEqualTo(-1);
        cache.remember(cache.beforeSend(LOCK), 500, 1);
        cache.invalidated(List.of("ns:{other}:lock", "ns:flag:{job}"));
        assertThat(cache.busyMillis(LOCK)).as("other locks and flags do not touch it").isPositive();
        cache.invalidated(List.of(LOCK));
        assertThat(cache.busyMillis(LOCK)).isEqualTo(-1);
    }

    @Test
    void flush_removesEverything_andMissesSentBeforeItAreNotRemembered() {
        tracked();
        cache.remember(cache.beforeSend(LOCK), 500, 1);
        MissCache.Ticket inFlight = cache.beforeSend("ns:{b}:lock");
        cache.invalidated(null);
        cache.remember(inFlight, 500, 1);
        assertThat(cache.busyMillis(LOCK)).isEqualTo(-1);
        assertThat(cache.busyMillis("ns:{b}:lock")).isEqualTo(-1);
        assertThat(cache.beforeSend(LOCK)).as("tracking stays on after a flush").isNotNull();
    }

    @Test
    void disconnect_removesEverything_andAReplyReadAfterItIsNotRemembered() {
        tracked();
        cache.remember(cache.beforeSend(LOCK), 500, 1);
        MissCache.Ticket inFlight = cache.beforeSend("ns:{b}:lock");
        cache.connectionChanged(); // disconnected: the reply comes on the next connection
        assertThat(cache.busyMillis(LOCK)).isEqualTo(-1);
        cache.connectionChanged(); // connected again
        enables.get(enables.size() - 1).complete("OK"); // tracking on again
        cache.remember(inFlight, 500, 1); // the replayed command's reply
        assertThat(cache.busyMillis("ns:{b}:lock")).isEqualTo(-1);
    }

    @Test
    void ownRelease_forgetsTheLock_andAMissInFlightIsNotRemembered() {
        tracked();
        cache.remember(cache.beforeSend(LOCK), 500, 1);
        MissCache.Ticket inFlight = cache.beforeSend(LOCK);
        cache.forget(LOCK);
        assertThat(cache.busyMillis(LOCK)).isEqualTo(-1);
        cache.remember(inFlight, 500, 1);
        assertThat(cache.busyMillis(LOCK)).isEqualTo(-1);
    }

    @Test
    void entriesAreBounded_expiredOnesMakeRoom() {
        tracked();
        for (int i = 0; i < MissCache.MAX_ENTRIES + 10; i++) {
            cache.remember(cache.beforeSend("ns:{k" + i + "}:lock"), 100, 1);
        }
        assertThat(cache.size()).isEqualTo(MissCache.MAX_ENTRIES);
        now += TimeUnit.MILLISECONDS.toNanos(100);
        cache.remember(cache.beforeSend(LOCK), 100, 1);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.busyMillis(LOCK)).isPositive();
    }

    @Test
    void lockKeyOf_mapsEveryKeyOfTheLocksTag_toItsLockKey() {
        assertThat(KeyLayout.lockKeyOf("ns:{a}:lock")).isEqualTo("ns:{a}:lock");
        assertThat(KeyLayout.lockKeyOf("ns:{a}:readers")).isEqualTo("ns:{a}:lock");
        assertThat(KeyLayout.lockKeyOf("ns:{a}:queue-expiry")).isEqualTo("ns:{a}:lock");
        assertThat(KeyLayout.lockKeyOf("ns:flag:{a}")).isNull();
        KeyLayout.LockKeys keys = new KeyLayout("ns").lock("odd:name}:lock");
        for (String k : keys.scriptKeys()) {
            assertThat(KeyLayout.lockKeyOf(k)).isEqualTo(keys.lock());
        }
    }
}
