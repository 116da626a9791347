package io.holdfast.lock.internal;

/** The one rule for resource and flag names, shared by every backend. */
public final class Names {

    /** The longest name accepted, in characters. */
    public static final int MAX_LENGTH = 256;

    private Names() {}

    /**
     * Checks a resource or flag name: 1 to 256 characters, no control characters, and valid
     * UTF-16 (no unpaired surrogate). The last rule keeps names injective once encoded: a lone
     * surrogate has no UTF-8 form, so {@code "job-\uD83D"} and {@code "job-\uD83E"} would become
     * one file name or key. Such names arise when a string is cut between the two halves of an
     * emoji.
     *
     * @param kind what the name is for, e.g. {@code "resource"} or {@code "flag"}
     * @return the name
     * @throws NullPointerException if null
     * @throws IllegalArgumentException stating the rule and the offending value
     */
    public static String require(String kind, String name) {
        if (name == null) {
            throw new NullPointerException(kind + " name must not be null");
        }
        if (name.isEmpty() || name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(kind + " name must be 1 to " + MAX_LENGTH
                    + " characters, but had " + name.length()
                    + (name.isEmpty() ? "" : ": '" + abbreviate(name) + "'"));
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(kind + " name must not contain control characters,"
                        + " but had U+" + String.format("%04X", (int) c) + " at index " + i
                        + " in '" + abbreviate(name.replaceAll("\\p{Cntrl}", "?")) + "'");
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1));
                if (!paired) {
                    throw new IllegalArgumentException(kind + " name must be valid UTF-16, but had"
                            + " an unpaired surrogate U+" + String.format("%04X", (int) c)
                            + " at index " + i + "; do not cut text between the two halves of a"
                            + " character such as an emoji");
                }
                i++; // the low half of a pair
            }
        }
        return name;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
