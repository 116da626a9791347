package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {

    private final KeyLayout layout = new KeyLayout("holdfast");

    private static final List<String> HOSTILE = List.of(
            "plain", "a{b}c", "}{", "{", "}", "*", "a*b", "?", "[x]", "a:b", "a b", "%41", "A", "~x",
            "redis.call('flushall')", "'); redis.call('del', KEYS[1]); --", "\\", "ümlaut", "日本",
            "x".repeat(256), "x".repeat(255) + "y", "{".repeat(256), "%".repeat(256));

    @Test
    void keys_shareOneHashTag_andSlot_perResource() {
        for (String name : HOSTILE) {
            KeyLayout.LockKeys k = layout.lock(name);
            assertThat(k.lock()).startsWith("holdfast:{").endsWith("}:lock");
            // exactly one brace pair: the tag cannot be broken out of
            assertThat(k.lock().chars().filter(c -> c == '{').count()).isEqualTo(1);
            assertThat(k.lock().chars().filter(c -> c == '}').count()).isEqualTo(1);
            assertThat(k.lock()).doesNotContain(" ", "\n"); // "*" is harmless: keys are never used as patterns
            assertThat(SlotHash.getSlot(k.fence())).isEqualTo(SlotHash.getSlot(k.lock()));
            assertThat(SlotHash.getSlot(k.queue())).isEqualTo(SlotHash.getSlot(k.lock()));
            assertThat(SlotHash.getSlot(k.queueExpiry())).isEqualTo(SlotHash.getSlot(k.lock()));
            assertThat(k.lock().length()).isLessThan(300);
        }
    }

    @Test
    void aResourceLockedAgain_reusesItsKeys_andNamesSharingASlotKeepTheirOwn() {
        KeyLayout.LockKeys job = layout.lock("job");
        assertThat(layout.lock("job")).isSameAs(job);

        // "Aa" and "BB" have the same hashCode, so they take turns in one slot of the cache
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        for (int i = 0; i < 3; i++) {
            assertThat(layout.lock("Aa").lock()).isEqualTo("holdfast:{Aa}:lock");
            assertThat(layout.lock("BB").lock()).isEqualTo("holdfast:{BB}:lock");
        }
        // more names than slots: every one still gets its own keys
        for (int i = 0; i < 10 * KeyLayout.CACHED; i++) {
            assertThat(layout.lock("r" + i).lock()).isEqualTo("holdfast:{r" + i + "}:lock");
        }
    }

    @Test
    void distinctNames_neverCollide() {
        Set<String> keys = new HashSet<>();
        Set<String> flags = new HashSet<>();
        for (String name : HOSTILE) {
            assertThat(keys.add(layout.lock(name).lock())).as(name).isTrue();
            assertThat(flags.add(layout.flag(name))).as(name).isTrue();
        }
    }

    @Test
    void flagPattern_matchesFlagKeysOnly_andEscapesGlobCharactersOfTheNamespace() {
        assertThat(layout.flagPattern()).isEqualTo("holdfast:flag:\\{*");
        assertThat(new KeyLayout("a*b?[c]").flagPattern()).isEqualTo("a\\*b\\?\\[c\\]:flag:\\{*");
        assertThat(layout.flag("x")).isEqualTo("holdfast:flag:{x}");
    }
}
