package io.holdfast.lock.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Maps names to file names and key parts without collisions: characters outside a safe set are
 * written as {@code %XX} (UTF-8 bytes, upper-case hex) and {@code %} itself is always escaped, so
 * the mapping is injective. Over-long results become {@code ~} + SHA-256, which a plain result can
 * never start with because {@code ~} is always escaped.
 */
public final class NameCodec {

    /** Lower-case letters, digits, '-' and '_': safe on every file system, case-insensitive ones too. */
    public static final IntPredicate FILE_SAFE =
            c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';

    /** Everything printable except the hash-tag braces, '%' and space: for Redis key parts. */
    public static final IntPredicate KEY_SAFE =
            c -> c > 0x20 && c < 0x7f && c != '{' && c != '}' && c != '%' && c != '~';

    private NameCodec() {}

    /**
     * Escapes {@code name}, keeping the characters {@code safe} accepts ('%' and '~' are escaped
     * regardless), and hashes the result when it is longer than {@code maxLength}.
     *
     * @throws IllegalArgumentException if {@code name} is not valid UTF-16 (an unpaired
     *     surrogate has no UTF-8 form, and replacing it would make two names one)
     */
    public static String encode(String name, IntPredicate safe, int maxLength) {
        requireWellFormed(name);
        StringBuilder out = new StringBuilder(name.length() + 8);
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            int c = b & 0xff;
            if (c < 0x80 && c != '%' && c != '~' && safe.test(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        if (out.length() <= maxLength) {
            return out.toString();
        }
        return "~" + sha256Hex(utf8);
    }

    private static void requireWellFormed(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length()
                    && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("cannot encode a name with an unpaired surrogate"
                        + " U+" + String.format("%04X", (int) c) + " at index " + i);
            }
        }
    }

    /**
     * The name that {@link #encode} turned into {@code encoded}, for display by operators' tools;
     * empty for a hashed name ({@code ~} + SHA-256, which cannot be reversed) or text that no
     * name encodes to.
     */
    public static Optional<String> decode(String encoded) {
        if (encoded.startsWith("~")) {
            return Optional.empty();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c != '%') {
                if (c >= 0x80) {
                    return Optional.empty();
                }
                bytes.write(c);
                continue;
            }
            int hi = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
            if (lo < 0) {
                return Optional.empty();
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
