package io.holdfast.lock.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NameCodecTest {

    @Test
    void decode_reversesEncode_forKeyAndFileEncodings() {
        for (String name : List.of("inverter_read", "Config File.csv", "a{b}c%d~e", "zähler/1",
                "名前", "tab\tand:colon")) {
            assertThat(NameCodec.decode(NameCodec.encode(name, NameCodec.KEY_SAFE, 200))).hasValue(name);
            assertThat(NameCodec.decode(NameCodec.encode(name, NameCodec.FILE_SAFE, 200))).hasValue(name);
        }
    }

    @Test
    void decode_ofHashedOrMalformedText_isEmpty() {
        assertThat(NameCodec.decode(NameCodec.encode("x".repeat(300), NameCodec.KEY_SAFE, 200))).isEmpty();
        assertThat(NameCodec.decode("bad%2")).isEmpty();
        assertThat(NameCodec.decode("bad%zz")).isEmpty();
        assertThat(NameCodec.decode("%C3")).isEmpty();
    }
}
