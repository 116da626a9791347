package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FlagValueTest {

    @Test
    void builtValue_parsesBack_withANameHoldingTheSeparator() {
        String stored = FlagValue.of("owner-1", 7, "export|nightly");
        FlagValue v = FlagValue.parse(stored).orElseThrow();
        assertThat(v.ownerId()).isEqualTo("owner-1");
        assertThat(v.flag()).isEqualTo("export|nightly");
        assertThat(v.setAt()).isAfter(Instant.now().minusSeconds(60));
        assertThat(stored).startsWith(FlagValue.ownerPrefix("owner-1"));
        assertThat(FlagValue.ownerOf(stored)).isEqualTo("owner-1");
    }

    @Test
    void foreignOrDamagedValues_areReadLeniently() {
        assertThat(FlagValue.parse("just-a-value")).isEmpty();
        assertThat(FlagValue.ownerOf("just-a-value")).isEqualTo("just-a-value");
        assertThat(FlagValue.parse("o|not-a-time|1|f").orElseThrow().setAt()).isEqualTo(Instant.EPOCH);
        assertThat(FlagValue.parseMillis("1700000000000")).isEqualTo(Instant.ofEpochMilli(1700000000000L));
    }
}
