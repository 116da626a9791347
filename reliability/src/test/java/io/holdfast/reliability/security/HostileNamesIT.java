package io.holdfast.reliability.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.RedisStatusManager;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile resource and flag names (braces that would break a Cluster hash tag, glob characters,
 * separators, escape-like text, Lua-looking text, non-ASCII, 256-character names) must neither
 * collide nor break anything nor reach script text; names the rule forbids (newline, NUL, 10 KB)
 * are refused before any Redis call.
 */
class HostileNamesIT {

    static final List<String> HOSTILE = List.of("{a}", "a}", "{", "}", "{}", "a{b}c", "{a}:lock", "*", "a*", "?",
            "[x]", "\\", "\\*", "a:b", "a_b", "a%3Ab", "a~b", "~", "holdfast:{a}:lock", "a b", " ",
            "'); redis.call('flushall') --", "]]..redis.call('del',KEYS[1])..[[", "return redis.call('keys','*')",
            "ä", "名前", "\uD83D\uDD12", "{".repeat(256), "}".repeat(255) + "a", "x".repeat(256),
            "x".repeat(255) + "y");

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private static RedisLockSettings settings() {
        return RedisLockSettings.builder().uri(redis.uri()).lease(Duration.ofSeconds(10)).build();
    }

    @Test
    void hostileLockNames_neitherCollideNorBreakOut() throws InterruptedException {
        redis.primary().cli("SET", "canary", "alive");
        assertThat(new HashSet<>(HOSTILE)).hasSameSizeAs(HOSTILE);
        try (RedisLockManager a = RedisLockManager.create(settings());
                RedisLockManager b = RedisLockManager.create(settings())) {
            List<Lease> held = new ArrayList<>();
            for (int i = 0; i < HOSTILE.size(); i += 2) {
                held.add(a.acquire(HOSTILE.get(i), Duration.ofSeconds(2)));
            }
            for (int i = 0; i < HOSTILE.size(); i++) {
                Optional<Lease> other = b.tryAcquire(HOSTILE.get(i));
                assertThat(other.isPresent()).as("name #%d %s free for another owner", i, show(HOSTILE.get(i)))
                        .isEqualTo(i % 2 == 1);
                other.ifPresent(Lease::release);
            }
            for (Lease lease : held) {
                assertThat(b.inspect(lease.resource())).as("another manager's inspect reports the holder's token, "
                        + show(lease.resource())).get()
                        .extracting(info -> info.fencingToken()).isEqualTo(lease.fencingToken());
                assertThat(lease.release()).isTrue();
            }
        }
        assertThat(redis.primary().cli("GET", "canary")).isEqualTo("alive");
        String keys = redis.primary().cli("--scan");
        for (String key : keys.split("\n")) {
            assertThat(key).as("every key inside the namespace").matches("canary|holdfast:.*");
        }
        // names travel only as KEYS/ARGV: more hostile names load no further script
        int scriptsAfterFirstRound = cachedScripts();
        try (RedisLockManager c = RedisLockManager.create(settings())) {
            for (String name : HOSTILE) {
                c.tryAcquire("'..'" + name.substring(0, Math.min(name.length(), 200))).ifPresent(Lease::release);
            }
        }
        assertThat(cachedScripts()).as("scripts cached after a second round of hostile names")
                .isEqualTo(scriptsAfterFirstRound).isPositive();
    }

    private static int cachedScripts() {
        for (String line : redis.primary().cli("INFO", "memory").split("\r?\n")) {
            if (line.startsWith("number_of_cached_scripts:")) {
                return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("INFO memory has no number_of_cached_scripts line");
    }

    @Test
    void hostileFlagNames_listedExactlyAndIsolated() {
        try (RedisStatusManager flags = RedisStatusManager.create(settings())) {
            for (String name : HOSTILE) {
                flags.set(name, Duration.ofSeconds(30));
            }
            assertThat(flags.list()).containsExactlyInAnyOrderElementsOf(HOSTILE);
            for (String name : HOSTILE) {
                assertThat(flags.get(name)).as(show(name)).get().extracting(f -> f.name()).isEqualTo(name);
            }
            Set<String> cleared = new HashSet<>();
            for (int i = 0; i < HOSTILE.size(); i += 2) {
                assertThat(flags.clear(HOSTILE.get(i))).isTrue();
                cleared.add(HOSTILE.get(i));
            }
            for (String name : HOSTILE) {
                assertThat(flags.isSet(name)).as(show(name)).isEqualTo(!cleared.contains(name));
            }
        }
    }

    @Test
    void namesTheRuleForbids_areRefusedBeforeRedis() {
        String keysBefore = redis.primary().cli("DBSIZE");
        try (RedisLockManager manager = RedisLockManager.create(settings());
                RedisStatusManager flags = RedisStatusManager.create(settings())) {
            for (String name : List.of("", "line\nbreak", "nul\u0000byte", "tab\t", "x".repeat(257),
                    "x".repeat(10 * 1024))) {
                assertThatThrownBy(() -> manager.tryAcquire(name)).as(show(name))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> flags.set(name, Duration.ofSeconds(1))).as(show(name))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(redis.primary().cli("DBSIZE")).isEqualTo(keysBefore);
    }

    private static String show(String name) {
        return name.length() > 40 ? name.substring(0, 20) + "...(" + name.length() + " chars)" : "'" + name + "'";
    }
}
