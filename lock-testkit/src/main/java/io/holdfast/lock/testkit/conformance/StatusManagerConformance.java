package io.holdfast.lock.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.StatusManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link StatusManager} must meet, as a JUnit 5 compatibility kit: a backend's
 * test extends this class and implements {@link #newStatusManager()}.
 *
 * <p>Flag names are unique to each test run; managers created by the kit are closed after each
 * test. Expiry tests use real time with short TTLs; backends with an injectable clock should also
 * test expiry without sleeping.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // a hang fails the test, not the build
public abstract class StatusManagerConformance {

    /** A generous bound for anything that should be quick; never a performance assertion. */
    protected static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Duration LONG = Duration.ofMinutes(5);

    private final List<StatusManager> created = new ArrayList<>();
    private final String prefix = "conformance-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    /** The manager most tests use, created before each test. */
    protected StatusManager status;

    /** Creates a new, open manager; called at least once per test. The kit closes it. */
    protected abstract StatusManager newStatusManager();

    /**
     * True when two managers from {@link #newStatusManager()} see the same flags (file and Redis
     * managers do; in-memory managers do not). Enables the cross-manager tests.
     */
    protected boolean managersShareFlags() {
        return false;
    }

    /** The shortest TTL the expiry tests use; raise it for backends with coarse expiry. */
    protected Duration shortTtl() {
        return Duration.ofMillis(300);
    }

    /** Rounds of the race between a reader of an expired flag and a claimer of it. */
    protected int expiredReadRounds() {
        return 10;
    }

    @BeforeEach
    final void createManager() {
        status = track(newStatusManager());
    }

    @AfterEach
    final void closeManagers() {
        created.forEach(StatusManager::close);
        created.clear();
    }

    /** A flag name unique to this test run. */
    protected final String flag(String name) {
        return prefix + name;
    }

    private void requireSharingManagers() {
        Assumptions.assumeTrue(managersShareFlags(), () -> "two status managers of "
                + status.backend() + " do not share flags: the cross-manager specification"
                + " does not apply");
    }

    private StatusManager track(StatusManager m) {
        assertThat(m).as("newStatusManager() result").isNotNull();
        created.add(m);
        return m;
    }

    /** set, setIfAbsent, get, list. */
    @Nested
    class Setting {

        @Test
        void set_thenGet_reportsOwnerAndTimes() {
            String f = flag("export-running");
            Instant before = Instant.now().minusSeconds(2);
            status.set(f, Duration.ofMinutes(1));
            Instant after = Instant.now().plusSeconds(2);
            assertThat(status.isSet(f)).isTrue();
            FlagInfo info = status.get(f).orElseThrow();
            assertThat(info.name()).isEqualTo(f);
            assertThat(info.owner()).isNotBlank();
            assertThat(info.setAt()).isBetween(before, after);
            assertThat(Duration.between(info.setAt(), info.expiresAt()))
                    .isBetween(Duration.ofSeconds(59), Duration.ofSeconds(61));
        }

        @Test
        void get_whenUnset_isEmpty() {
            assertThat(status.get(flag("never"))).isEmpty();
            assertThat(status.isSet(flag("never"))).isFalse();
        }

        @Test
        void set_replacesEarlierValue() {
            String f = flag("replace");
            status.set(f, Duration.ofSeconds(10));
            Instant firstExpiry = status.get(f).orElseThrow().expiresAt();
            status.set(f, LONG);
            assertThat(status.get(f).orElseThrow().expiresAt()).isAfter(firstExpiry);
        }

        @Test
        void setIfAbsent_claimsOnce() {
            String f = flag("claim");
            assertThat(status.setIfAbsent(f, LONG)).isTrue();
            assertThat(status.setIfAbsent(f, LONG)).isFalse();
            assertThat(status.isSet(f)).isTrue();
        }

        @Test
        void setIfAbsent_racingThreads_exactlyOneWins() {
            List<StatusManager> ms = new ArrayList<>(List.of(status));
            if (managersShareFlags()) {
                ms.add(track(newStatusManager()));
                ms.add(track(newStatusManager()));
            }
            for (int round = 0; round < 5; round++) {
                String f = flag("race-" + round);
                List<Boolean> wins = Race.run(16, PATIENCE.toSeconds(),
                        i -> ms.get(i % ms.size()).setIfAbsent(f, LONG));
                assertThat(wins).as("round %d winners", round).containsOnlyOnce(true);
            }
        }

        @Test
        void list_namesSetFlags_only() {
            String a = flag("list-a");
            String b = flag("list-b");
            String c = flag("list-c");
            status.set(a, LONG);
            status.setIfAbsent(b, LONG);
            status.set(c, LONG);
            status.clear(c);
            assertThat(status.list()).contains(a, b).doesNotContain(c);
        }

        @Test
        void backend_isNamed() {
            assertThat(status.backend()).isNotBlank();
        }
    }

    /** Expiry by TTL. */
    @Nested
    class Expiry {

        @Test
        void flag_expiresAfterTtl_andCanBeClaimedAgain() {
            String f = flag("ttl");
            assertThat(status.setIfAbsent(f, shortTtl())).isTrue();
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                    .until(() -> !status.isSet(f));
            assertThat(status.get(f)).isEmpty();
            assertThat(status.list()).doesNotContain(f);
            assertThat(status.setIfAbsent(f, LONG)).as("claim after expiry").isTrue();
            assertThat(status.isSet(f)).isTrue();
        }

        @Test
        void expiredFlag_racingClaimers_exactlyOneWins() {
            List<StatusManager> ms = new ArrayList<>(List.of(status));
            if (managersShareFlags()) {
                ms.add(track(newStatusManager()));
            }
            String f = flag("expired-race");
            status.set(f, shortTtl());
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                    .until(() -> !status.isSet(f));
            List<Boolean> wins = Race.run(16, PATIENCE.toSeconds(),
                    i -> ms.get(i % ms.size()).setIfAbsent(f, LONG));
            assertThat(wins).containsOnlyOnce(true);
        }

        @Test
        void readingAnExpiredFlag_whileAnotherClaimsIt_neverRemovesTheClaim() {
            requireSharingManagers();
            StatusManager reader = track(newStatusManager());
            StatusManager claimer = track(newStatusManager());
            StatusManager late = track(newStatusManager());
            List<String> doubleOwners = new ArrayList<>();
            for (int round = 0; round < expiredReadRounds(); round++) {
                String f = flag("read-race-" + round);
                status.set(f, shortTtl());
                // wait without reading: a read would remove the expired flag before the race
                LockManagerConformance.sleep(shortTtl().toMillis() + 50);
                boolean listing = round % 2 == 1;
                List<Boolean> outcome = Race.run(2, PATIENCE.toSeconds(), i -> {
                    if (i == 0) {
                        return listing ? reader.list().contains(f) : reader.get(f).isPresent();
                    }
                    return claimer.setIfAbsent(f, LONG);
                });
                boolean claimed = outcome.get(1);
                if (claimed && late.setIfAbsent(f, LONG)) {
                    doubleOwners.add(f + (listing ? " (list)" : " (get)"));
                }
                assertThat(claimed).as("claim of the expired flag %s", f).isTrue();
                assertThat(claimer.clear(f)).as("the claimer still owns %s", f).isTrue();
            }
            assertThat(doubleOwners).as("flags a reader removed after they were claimed again").isEmpty();
        }

        @Test
        void set_extendsTtl() {
            String f = flag("extend");
            status.set(f, shortTtl());
            status.set(f, LONG);
            LockManagerConformance.sleep(shortTtl().multipliedBy(2).toMillis());
            assertThat(status.isSet(f)).isTrue();
        }
    }

    /** clear and forceClear. */
    @Nested
    class Clearing {

        @Test
        void clear_byOwner_clears() {
            String f = flag("clear");
            status.set(f, LONG);
            assertThat(status.clear(f)).isTrue();
            assertThat(status.isSet(f)).isFalse();
            assertThat(status.clear(f)).as("second clear").isFalse();
        }

        @Test
        void clear_byOtherManager_isRefused_butForceClearWorks() {
            requireSharingManagers();
            StatusManager other = track(newStatusManager());
            String f = flag("owned");
            status.set(f, LONG);
            assertThat(other.isSet(f)).isTrue();
            assertThat(other.get(f).orElseThrow().owner())
                    .isEqualTo(status.get(f).orElseThrow().owner());
            assertThat(other.clear(f)).isFalse();
            assertThat(status.isSet(f)).isTrue();
            assertThat(other.forceClear(f)).isTrue();
            assertThat(status.isSet(f)).isFalse();
            assertThat(status.clear(f)).isFalse();
        }

        @Test
        void clear_afterExpiryAndReclaimByOther_leavesTheNewClaim() {
            requireSharingManagers();
            StatusManager other = track(newStatusManager());
            String f = flag("late-clear");
            status.set(f, shortTtl());
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> !other.isSet(f));
            assertThat(other.setIfAbsent(f, LONG)).isTrue();
            assertThat(status.clear(f)).isFalse();
            assertThat(other.isSet(f)).isTrue();
        }

        @Test
        void everyOperation_byInterruptedThread_works_andKeepsTheFlag() {
            String f = flag("interrupted");
            Thread.currentThread().interrupt();
            try {
                status.set(f, LONG);
                assertThat(status.isSet(f)).isTrue();
                assertThat(status.get(f)).isPresent();
                assertThat(status.list()).contains(f);
                assertThat(status.setIfAbsent(f, LONG)).isFalse();
                assertThat(status.clear(f)).as("clear by an interrupted thread (finally block of a"
                        + " cancelled task)").isTrue();
                assertThat(status.setIfAbsent(f, LONG)).isTrue();
                assertThat(status.forceClear(f)).isTrue();
                assertThat(Thread.currentThread().isInterrupted()).as("interrupt flag kept").isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(status.isSet(f)).isFalse();
        }

        @Test
        void forceClear_whenUnset_returnsFalse() {
            assertThat(status.forceClear(flag("unset"))).isFalse();
            String f = flag("force");
            status.set(f, LONG);
            assertThat(status.forceClear(f)).isTrue();
            assertThat(status.isSet(f)).isFalse();
        }
    }

    /** Validation of names and TTLs. */
    @Nested
    class Validation {

        @ParameterizedTest
        @ValueSource(strings = {"", "a\nb", "nul\u0000"})
        void invalidName_isRejected(String name) {
            assertThatThrownBy(() -> status.set(name, LONG)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> status.setIfAbsent(name, LONG))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> status.isSet(name)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> status.get(name)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> status.clear(name)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void nullOrOverlongName_isRejected_and256IsAccepted() {
            assertThatThrownBy(() -> status.set(null, LONG)).isInstanceOf(NullPointerException.class);
            String ok = flag("").concat("y".repeat(256 - flag("").length()));
            assertThatThrownBy(() -> status.set(ok + "y", LONG))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
            status.set(ok, LONG);
            assertThat(status.isSet(ok)).isTrue();
            assertThat(status.list()).contains(ok);
        }

        @ParameterizedTest
        @ValueSource(strings = {"job-\uD83D", "job-\uDE00", "\uDE00\uD83D-job", "x\uDBFF"})
        void unpairedSurrogate_isRejected(String name) {
            String rule = "unpaired surrogate";
            assertThatThrownBy(() -> status.set(name, LONG))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> status.setIfAbsent(name, LONG))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> status.isSet(name))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> status.get(name))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> status.clear(name))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
            assertThatThrownBy(() -> status.forceClear(name))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
        }

        @Test
        void surrogatePairs_areDistinctFlags_fromEachOtherAndFromQuestionMarks() {
            List<String> names = List.of(flag("p-\uD83D\uDE00"), flag("p-\uD83D\uDE01"), flag("p-?"),
                    flag("p-??"));
            for (String n : names) {
                assertThat(status.setIfAbsent(n, LONG)).as("claim '%s'", n).isTrue();
            }
            for (String n : names) {
                assertThat(status.get(n)).get().extracting(FlagInfo::name).isEqualTo(n);
                assertThat(status.clear(n)).as("clear '%s'", n).isTrue();
            }
        }

        @Test
        void hostileNames_areDistinctFlags() {
            List<String> names = List.of("a/b", "a_b", "a%2Fb", "..", "CON", "{x}", "*", "A", "a", "ü");
            for (String n : names) {
                assertThat(status.setIfAbsent(flag(n), LONG)).as("claim '%s'", n).isTrue();
            }
            for (String n : names) {
                assertThat(status.list()).contains(flag(n));
                assertThat(status.clear(flag(n))).isTrue();
            }
        }

        @Test
        void nonPositiveTtl_isRejected() {
            String f = flag("ttl");
            assertThatThrownBy(() -> status.set(f, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
            assertThatThrownBy(() -> status.setIfAbsent(f, Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
            assertThatThrownBy(() -> status.set(f, null)).isInstanceOf(NullPointerException.class);
            assertThat(status.isSet(f)).isFalse();
        }
    }
}
