package io.holdfast.cli;

/** A protected resource that remembers the highest fencing token and rejects older writers. */
final class FencedRegister {

    private long highest;

    /** Accepts the write if {@code token} is not older than every token seen; records it. */
    synchronized boolean write(long token) {
        if (token < highest) {
            return false;
        }
        highest = token;
        return true;
    }
}
