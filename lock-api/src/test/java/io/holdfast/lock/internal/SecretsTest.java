package io.holdfast.lock.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "redis://localhost:6379|redis://localhost:6379",
        "redis://user:s3cret@host:6379/2|redis://user:****@host:6379/2",
        "redis://s3cret@host|redis://****@host",
        "redis://:s3cret@host|redis://:****@host",
        "rediss://default:p%40ss@host:6380|rediss://default:****@host:6380",
        "redis://u:p@ss/w0rd@host:1|redis://u:****@host:1",
        "redis://host:6379?password=s3cret&timeout=5s|redis://host:6379?password=****&timeout=5s",
        "redis://host?PASSWORD=s3cret|redis://host?PASSWORD=****",
        "redis://host?timeout=1s&pass=s3cret|redis://host?timeout=1s&pass=****",
        "redis://host?pwd=s3cret#x|redis://host?pwd=****#x",
        "redis-sentinel://s3cret@s1:26379,s2:26379/0#mymaster|redis-sentinel://****@s1:26379,s2:26379/0#mymaster",
        "redis://a:x1@h1:7000,redis://a:x2@h2:7001|redis://a:****@h1:7000,redis://a:****@h2:7001",
        "user:s3cret@host:6379|user:****@host:6379",
        "plain text|plain text",
    })
    void maskUrl_hidesEveryPassword(String url, String masked) {
        assertThat(Secrets.maskUrl(url)).isEqualTo(masked);
        for (String secret : Secrets.passwords(url)) {
            assertThat(Secrets.maskUrl(url)).doesNotContain(secret);
        }
    }

    @Test
    void passwords_findsRawAndDecodedForms() {
        assertThat(Secrets.passwords("redis://u:p%40ss@h,redis://h2?password=q1"))
                .containsExactlyInAnyOrder("p%40ss", "p@ss", "q1");
        assertThat(Secrets.passwords("redis://host:6379")).isEmpty();
    }

    @Test
    void scrub_replacesEveryOccurrence() {
        assertThat(Secrets.scrub("auth p@ss failed for redis://u:p@ss@h", Set.of("p@ss")))
                .isEqualTo("auth **** failed for redis://u:****@h");
        assertThat(Secrets.reveals("no secret here", Set.of("p@ss"))).isFalse();
        assertThat(Secrets.reveals("it is p@ss", Set.of("p@ss"))).isTrue();
    }
}
