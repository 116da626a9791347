package io.holdfast.reliability.history;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Records the events of one JVM, in memory and optionally appended to a file line by line (written
 * through at once, so a JVM killed with SIGKILL leaves every event it recorded). Thread-safe.
 */
public final class HistoryRecorder implements AutoCloseable {

    private final String process;
    private final FileOutputStream file;
    private final List<Event> events = new ArrayList<>();

    private HistoryRecorder(String process, FileOutputStream file) {
        this.process = process;
        this.file = file;
    }

    /** A recorder keeping events in memory only. */
    public static HistoryRecorder inMemory(String process) {
        return new HistoryRecorder(Objects.requireNonNull(process, "process"), null);
    }

    /** A recorder that also appends every event to {@code path}; read it back with {@link #load}. */
    public static HistoryRecorder toFile(String process, Path path) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            return new HistoryRecorder(Objects.requireNonNull(process, "process"),
                    new FileOutputStream(path.toFile(), true));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open history file " + path, e);
        }
    }

    /** Records an event of the calling thread, stamped now, and returns it. */
    public Event record(Event.Op op, Event.Phase phase, String resource, long value, String detail) {
        Event event = new Event(System.nanoTime(), process, Thread.currentThread().getName(), op, phase, resource,
                value, detail == null ? "" : detail);
        add(event);
        return event;
    }

    /** Records {@code event} as is (for events stamped elsewhere, e.g. a loss listener's time). */
    public synchronized void add(Event event) {
        events.add(event);
        if (file != null) {
            try {
                file.write((event.toLine() + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the history file", e);
            }
        }
    }

    /** The events recorded by this recorder, in recording order. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /**
     * Reads the events of one or more history files and merges them in time order. A torn last line
     * (the writer was killed mid-write) is ignored.
     */
    public static List<Event> load(List<Path> files) {
        List<Event> all = new ArrayList<>();
        for (Path path : files) {
            if (!Files.exists(path)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                    try {
                        all.add(Event.parse(line));
                    } catch (IllegalArgumentException e) {
                        // torn line of a killed writer
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read history file " + path, e);
            }
        }
        all.sort(java.util.Comparator.comparingLong(Event::nanos));
        return all;
    }

    @Override
    public synchronized void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
