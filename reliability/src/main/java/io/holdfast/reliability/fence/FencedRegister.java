package io.holdfast.reliability.fence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The never-faulted store of the reliability suite: an in-memory {@link FencedResource} that
 * records every write, accepted or rejected, in the order it decided them (reads are decided under
 * the same monitor, so they fall into that order too, but are not recorded here: readers record
 * what they saw in their history). Thread-safe.
 */
public final class FencedRegister implements FencedResource {

    /**
     * One decided write.
     *
     * @param seq position in the register's total order, from 0
     * @param resource the resource written
     * @param token the writer's fencing token
     * @param writer who wrote (process/thread)
     * @param nanos {@link System#nanoTime()} when decided
     * @param accepted whether the register accepted it
     * @param highestBefore the highest token seen for the resource before this write (-1 if none)
     */
    public record Write(long seq, String resource, long token, String writer, long nanos, boolean accepted,
            long highestBefore) {
    }

    private final Map<String, Long> highest = new HashMap<>();
    private final Map<String, Long> highestRead = new HashMap<>();
    private final Map<String, Integer> parts = new HashMap<>();
    private final List<Write> writes = new ArrayList<>();

    @Override
    public synchronized boolean write(String resource, long token, String writer) {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(writer, "writer");
        long before = highest.getOrDefault(resource, -1L);
        boolean accepted = token >= before && token >= highestRead.getOrDefault(resource, -1L);
        if (accepted) {
            parts.put(resource, token == before ? parts.getOrDefault(resource, 0) + 1 : 1);
            highest.put(resource, token);
        }
        writes.add(new Write(writes.size(), resource, token, writer, System.nanoTime(), accepted, before));
        return accepted;
    }

    @Override
    public synchronized Read read(String resource, long token, String reader) {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(reader, "reader");
        long written = highest.getOrDefault(resource, -1L);
        if (token < written) {
            return new Read(false, 0, 0);
        }
        highestRead.merge(resource, token, Math::max);
        return new Read(true, written, parts.getOrDefault(resource, 0));
    }

    /** Records a write decided elsewhere (for checker tests and imported logs), unconditionally. */
    public synchronized void record(String resource, long token, String writer, boolean accepted) {
        long before = highest.getOrDefault(resource, -1L);
        if (accepted) {
            highest.merge(resource, token, Math::max);
        }
        writes.add(new Write(writes.size(), resource, token, writer, System.nanoTime(), accepted, before));
    }

    /** Every write so far, in decision order. */
    public synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    /** The highest accepted token for {@code resource}, or -1. */
    public synchronized long highest(String resource) {
        return highest.getOrDefault(resource, -1L);
    }

    /** Writes accepted so far. */
    public synchronized long accepted() {
        return writes.stream().filter(Write::accepted).count();
    }

    /** Writes rejected so far. */
    public synchronized long rejected() {
        return writes.size() - accepted();
    }
}
