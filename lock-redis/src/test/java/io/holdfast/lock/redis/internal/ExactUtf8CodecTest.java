package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExactUtf8CodecTest {

    /** Keys and values of every kind: ASCII, 2- and 3-byte chars, pairs, unpaired surrogates. */
    private static final List<String> STRINGS = List.of("", "holdfast:{job}:lock",
            "3f2a9c:17:1764579600000:42:2000:30000", "ümlaut", "日本", "\uD83D\uDE00 pair",
            "high \uD83D alone", "low \uDE00 alone", "ends high \uD83D", "\uD83D\uD83D twice",
            "\uD83D\u00FC high then two-byte", "x".repeat(300), "€".repeat(100));

    /** Counts the buffers Lettuce asks the command buffer's allocator for while encoding. */
    private static final class CountingAllocator extends AbstractByteBufAllocator {
        int allocated;

        CountingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            allocated++;
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            allocated++;
            return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private static byte[] encode(RedisCodec<String, String> codec, CountingAllocator alloc) {
        CommandArgs<String, String> args = new CommandArgs<>(codec);
        for (String s : STRINGS) {
            args.addKey(s).addValue(s);
        }
        ByteBuf target = alloc.heapBuffer(16);
        alloc.allocated = 0;
        try {
            args.encode(target);
            return ByteBufUtil.getBytes(target);
        } finally {
            target.release();
        }
    }

    @Test
    void encodesKeysAndValues_straightIntoTheCommandBuffer_withTheSameBytesAsStringCodec() {
        CountingAllocator exact = new CountingAllocator();
        CountingAllocator estimated = new CountingAllocator();

        byte[] ours = encode(ExactUtf8Codec.INSTANCE, exact);
        byte[] lettuces = encode(StringCodec.UTF8, estimated);

        assertThat(ours).isEqualTo(lettuces);
        // StringCodec.UTF8 only estimates sizes: one temporary buffer per key and per value
        assertThat(estimated.allocated).isEqualTo(2 * STRINGS.size());
        assertThat(exact.allocated).isZero();
    }

    @Test
    void estimate_isTheExactEncodedLength() {
        for (String s : STRINGS) {
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer();
            try {
                ExactUtf8Codec.INSTANCE.encodeValue(s, b);
                assertThat(ExactUtf8Codec.INSTANCE.estimateSize(s)).as(s)
                        .isEqualTo(b.readableBytes());
            } finally {
                b.release();
            }
        }
        assertThat(ExactUtf8Codec.INSTANCE.isEstimateExact()).isTrue();
        assertThat(ExactUtf8Codec.INSTANCE.decodeValue(StandardCharsets.UTF_8.encode("日本")))
                .isEqualTo("日本");
    }

    @Test
    void utf8Length_isWhatNettyWrites_forRandomMixesOfEveryKindOfChar() {
        char[] alphabet = {'a', '~', 0x7F, 0x80, 0xFC, 0x7FF, 0x800, 0x65E5, 0xFFFF, 0xD83D, 0xDE00,
                0xDBFF, 0xDC00};
        java.util.Random random = new java.util.Random(16);
        for (int n = 0; n < 20_000; n++) {
            char[] chars = new char[random.nextInt(12)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String s = new String(chars);
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer();
            try {
                ByteBufUtil.writeUtf8(b, s);
                assertThat(ExactUtf8Codec.utf8Length(s)).as("%s", (Object) chars)
                        .isEqualTo(b.readableBytes()).isEqualTo(ByteBufUtil.utf8Bytes(s));
            } finally {
                b.release();
            }
        }
    }
}
