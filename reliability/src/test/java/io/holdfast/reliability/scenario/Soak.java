package io.holdfast.reliability.scenario;

/** The suite's size: the short form by default, the long form with {@code -Dsoak.minutes=N}. */
final class Soak {

    private Soak() {
    }

    /** Minutes of the long form, 0 for the short form. */
    static int minutes() {
        return Integer.getInteger("soak.minutes", 0);
    }

    /** True in the long form. */
    static boolean isLong() {
        return minutes() > 0;
    }
}
