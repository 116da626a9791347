package io.holdfast.lock.internal.env;

import java.util.Locale;

/** The {@code USE_NEW_LOCKS} modes of a rollout: legacy file locks, both, or the new backend. */
public enum Mode {
    /** {@code USE_NEW_LOCKS=false}: host-wide file locks and file flags only. */
    LEGACY("false"),
    /** {@code USE_NEW_LOCKS=dual}: the file lock first, then the new backend's. */
    DUAL("dual"),
    /** {@code USE_NEW_LOCKS=true}: the new backend only. */
    NEW("true");

    /** The accepted spellings, for messages. */
    static final String ACCEPTED = "true, false or dual (also yes/no, on/off, 1/0; any case)";

    private final String value;

    Mode(String value) {
        this.value = value;
    }

    /** The canonical {@code USE_NEW_LOCKS} value: {@code false}, {@code dual} or {@code true}. */
    public String value() {
        return value;
    }

    /** Parses a {@code USE_NEW_LOCKS} value; null when it is none of the accepted spellings. */
    static Mode parse(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "false": case "no": case "off": case "0":
                return LEGACY;
            case "true": case "yes": case "on": case "1":
                return NEW;
            case "dual":
                return DUAL;
            default:
                return null;
        }
    }
}
