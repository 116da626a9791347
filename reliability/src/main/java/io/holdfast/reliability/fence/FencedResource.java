package io.holdfast.reliability.fence;

/**
 * A resource protected by fencing tokens. It keeps, per resource name, the highest token written
 * and the highest token it served a read to. A write is accepted only when its token is at least
 * both (so a writer that lost its lock cannot write under readers granted after it); a read only
 * when its token is at least the highest written (a reader that lost its lock to a writer sees
 * nothing rather than a value it is no longer protected for). Readers present their tokens too:
 * a resource whose readers do not would accept the late write of a writer that lost its lock
 * while only readers have held it since.
 */
public interface FencedResource {

    /**
     * What a fenced read returned.
     *
     * @param accepted false if refused as stale (a higher token was written)
     * @param token the token of the last accepted write (-1 if none); 0 when refused
     * @param parts how many accepted writes carried that token: a writer that writes its value in
     *     two steps under one token leaves 1 while it is half-way
     */
    record Read(boolean accepted, long token, int parts) {
    }

    /**
     * Writes on behalf of {@code writer} holding {@code token}.
     *
     * @return true if accepted, false if rejected as stale (a higher token was seen before)
     */
    boolean write(String resource, long token, String writer);

    /** Reads on behalf of {@code reader} holding {@code token}. */
    Read read(String resource, long token, String reader);
}
