package io.holdfast.lock.internal;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Owner identifiers: 128 bits from {@link SecureRandom}, never derived from host name or pid. */
public final class OwnerIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private OwnerIds() {}

    /** A new random owner id: 32 lower-case hex digits (128 bits). */
    public static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
