package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OwnerValueTest {

    @Test
    void builtValue_parsesBack_withOrWithoutTheWaiterMark() {
        OwnerValue v = OwnerValue.of("0123456789abcdef0123456789abcdef", 42, 7, Duration.ofSeconds(3),
                Duration.ofSeconds(30));
        assertThat(v.value()).matches("0123456789abcdef0123456789abcdef:42:\\d+:7:3000:30000");
        assertThat(OwnerValue.parse(v.value())).contains(v);
        assertThat(OwnerValue.parse(v.value() + OwnerValue.WAITERS_MARK)).contains(v);
    }

    @Test
    void previousFormat_isStillRead_withoutClaimOrAttempt() {
        OwnerValue v = OwnerValue.parse("abc:5:1700000000000:30000!").orElseThrow();
        assertThat(v.ownerId()).isEqualTo("abc");
        assertThat(v.thread()).isEqualTo("5");
        assertThat(v.at().toEpochMilli()).isEqualTo(1700000000000L);
        assertThat(v.leaseMillis()).isEqualTo(30000);
        assertThat(v.claimMillis()).isZero();
    }

    @Test
    void foreignValues_areNotParsed_butShownLeniently() {
        assertThat(OwnerValue.parse("someone-else")).isEmpty();
        assertThat(OwnerValue.parse(":1:2:3")).isEmpty();
        assertThat(OwnerValue.parse("a:b:c:d:e:f")).isEmpty();
        OwnerValue shown = OwnerValue.lenient("someone-else!");
        assertThat(shown.ownerId()).isEqualTo("someone-else");
        assertThat(shown.thread()).isEqualTo("?");
    }

    @Test
    void attempts_ofOneThreadInOneMillisecond_differ() {
        Duration s = Duration.ofSeconds(1);
        assertThat(OwnerValue.of("id", 1, 1, s, s).value()).isNotEqualTo(OwnerValue.of("id", 1, 2, s, s).value());
    }
}
