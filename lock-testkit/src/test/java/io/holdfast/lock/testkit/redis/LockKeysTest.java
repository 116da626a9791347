package io.holdfast.lock.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LockKeysTest {

    @Test
    void lockKey_isNamespaceHashTagOfTheEncodedResourceAndLock() {
        assertThat(LockKeys.lockKey("holdfast", "inverter_read")).isEqualTo("holdfast:{inverter_read}:lock");
        assertThat(LockKeys.lockKey("team-a", "a b{c}%")).isEqualTo("team-a:{a%20b%7Bc%7D%25}:lock");
        assertThat(LockKeys.lockKey("holdfast", "x".repeat(201))).startsWith("holdfast:{~").endsWith("}:lock");
    }
}
