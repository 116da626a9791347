package io.holdfast.reliability.fence;

/**
 * A resource protected by fencing tokens: it accepts a write only when the writer's token is at
 * least the highest token it has seen for that resource name.
 */
public interface FencedResource {

    /**
     * Writes on behalf of {@code writer} holding {@code token}.
     *
     * @return true if accepted, false if rejected as stale (a higher token was seen before)
     */
    boolean write(String resource, long token, String writer);
}
