package io.holdfast.lock.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.FlagInfo;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DualStatusManagerTest {

    private static final Duration TTL = Duration.ofMinutes(1);

    private final Map<String, FlagInfo> fileFlags = MemoryStatusManager.newStore();
    private final Map<String, FlagInfo> newFlags = MemoryStatusManager.newStore();
    private final MemoryStatusManager file = new MemoryStatusManager("file", fileFlags);
    private final MemoryStatusManager fresh = new MemoryStatusManager("redis", newFlags);
    private final DualStatusManager dual = DualStatusManager.of(file, fresh);
    private final MemoryStatusManager legacyInstance = new MemoryStatusManager("file", fileFlags);
    private final MemoryStatusManager newInstance = new MemoryStatusManager("redis", newFlags);

    @Test
    void set_writesBothStores() {
        dual.set("charge-running", TTL);
        assertThat(legacyInstance.isSet("charge-running")).isTrue();
        assertThat(newInstance.isSet("charge-running")).isTrue();
        assertThat(dual.backend()).isEqualTo("dual(file+redis)");
    }

    @Test
    void isSet_andGet_whenEitherStoreHasTheFlag() {
        legacyInstance.set("a", TTL);
        newInstance.set("b", TTL);
        assertThat(dual.isSet("a")).isTrue();
        assertThat(dual.isSet("b")).isTrue();
        assertThat(dual.isSet("c")).isFalse();
        assertThat(dual.get("a")).isPresent();
        assertThat(dual.get("b")).isPresent();
        assertThat(dual.list()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void setIfAbsent_claimsBoth_andExcludesEitherKindOfInstance() {
        assertThat(dual.setIfAbsent("f", TTL)).isTrue();
        assertThat(legacyInstance.setIfAbsent("f", TTL)).isFalse();
        assertThat(newInstance.setIfAbsent("f", TTL)).isFalse();
        assertThat(dual.setIfAbsent("f", TTL)).isFalse();
        assertThat(dual.clear("f")).isTrue();
        assertThat(legacyInstance.isSet("f") || newInstance.isSet("f")).isFalse();
    }

    @Test
    void setIfAbsent_refusedBySecond_rollsBackTheFirstClaim() {
        newInstance.set("f", TTL);
        assertThat(dual.setIfAbsent("f", TTL)).isFalse();
        assertThat(legacyInstance.isSet("f")).isFalse();
        fresh.refuseClaims = true;
        newInstance.forceClear("f");
        assertThat(dual.setIfAbsent("f", TTL)).isFalse();
        assertThat(legacyInstance.isSet("f")).isFalse();
    }

    @Test
    void setIfAbsent_refusedByFirst_neverTouchesTheSecond() {
        legacyInstance.set("f", TTL);
        assertThat(dual.setIfAbsent("f", TTL)).isFalse();
        assertThat(newInstance.isSet("f")).isFalse();
    }

    @Test
    void clear_isOwnerChecked_andForceClearClearsBoth() {
        legacyInstance.set("f", TTL);
        newInstance.set("f", TTL);
        assertThat(dual.clear("f")).isFalse();
        assertThat(dual.isSet("f")).isTrue();
        assertThat(dual.forceClear("f")).isTrue();
        assertThat(legacyInstance.isSet("f") || newInstance.isSet("f")).isFalse();
    }

    @Test
    void close_closesBoth() {
        dual.close();
        assertThat(file.closed).isTrue();
        assertThat(fresh.closed).isTrue();
    }
}
