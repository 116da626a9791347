package io.holdfast.lock.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The name rule and the name encoding: no two names may share a file or a key. */
class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"job-\uD83D", "job-\uD83E", "job-\uDE00", "\uDE00\uD83D", "a\uD83Db", "\uD800"})
    void unpairedSurrogate_isRejected_namingIndexAndFix(String name) {
        assertThatThrownBy(() -> Names.require("flag", name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flag name must be valid UTF-16")
                .hasMessageContaining("unpaired surrogate U+")
                .hasMessageContaining("at index")
                .hasMessageContaining("emoji");
        assertThatThrownBy(() -> NameCodec.encode(name, NameCodec.FILE_SAFE, 200))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
    }

    @Test
    void surrogatePairs_areAccepted_andEncodeToDistinctFileNamesAndKeys() {
        List<String> names = List.of("job-\uD83D\uDE00", "job-\uD83D\uDE01", "job-?", "job-??",
                "\uD83D\uDE00", "\uDBFF\uDFFF");
        Set<String> files = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (String n : names) {
            assertThat(Names.require("resource", n)).isSameAs(n);
            files.add(NameCodec.encode(n, NameCodec.FILE_SAFE, 200));
            keys.add(NameCodec.encode(n, NameCodec.KEY_SAFE, 200));
        }
        assertThat(files).hasSize(names.size());
        assertThat(keys).hasSize(names.size());
    }

    @Test
    void controlCharacters_andLength_areStillRejected() {
        assertThatThrownBy(() -> Names.require("resource", "a\nb")).hasMessageContaining("control");
        assertThatThrownBy(() -> Names.require("resource", "x".repeat(257))).hasMessageContaining("1 to 256");
        assertThat(Names.require("resource", "\uD83D\uDE00".repeat(128))).hasSize(256);
    }
}
