package io.holdfast.lock.redis.internal;

import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;

/**
 * Lettuce's UTF-8 string codec, telling Lettuce each key's and argument's exact encoded size.
 * With {@link StringCodec#UTF8}, whose size is only an estimate, Lettuce encodes every key and
 * argument of a command into a temporary pooled buffer and copies it into the command's buffer,
 * on the event loop: 23 buffers allocated (each tracked by Netty's leak detector), filled and
 * copied per lock+unlock cycle, the event loop's largest cost in the S4 profile (BENCHMARKS.md,
 * "Issue 16, round 3"). With an exact size Lettuce writes the length and the bytes straight
 * into the command's buffer. The bytes on the wire are the same: {@link #utf8Length} counts
 * what Netty's {@code ByteBufUtil.writeUtf8}, which {@link StringCodec} writes with, writes
 * (its {@code utf8Bytes} rule, unpaired surrogates included; lock-redis names no Netty class,
 * so it runs on Netty 4.1 and 4.2). Decoding is {@link StringCodec}'s. Thread-safe (stateless).
 */
public final class ExactUtf8Codec extends StringCodec {

    /** The one instance, for every connection holdfast opens. */
    public static final ExactUtf8Codec INSTANCE = new ExactUtf8Codec();

    private ExactUtf8Codec() {
        super(StandardCharsets.UTF_8);
    }

    @Override
    public int estimateSize(Object keyOrValue) {
        return keyOrValue instanceof CharSequence s ? utf8Length(s) : 0;
    }

    @Override
    public boolean isEstimateExact() {
        return true;
    }

    /**
     * The bytes Netty's {@code writeUtf8} writes for {@code s}: a surrogate pair is 4 bytes, a
     * lone surrogate one {@code ?}, a high surrogate followed by anything but a low one is
     * {@code ?} plus one byte for the char that follows.
     */
    static int utf8Length(CharSequence s) {
        int n = s.length();
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (!Character.isSurrogate(c)) {
                bytes += 3;
            } else if (!Character.isHighSurrogate(c) || i + 1 == n) {
                bytes++;
            } else {
                bytes += Character.isLowSurrogate(s.charAt(++i)) ? 4 : 2;
            }
        }
        return bytes;
    }
}
