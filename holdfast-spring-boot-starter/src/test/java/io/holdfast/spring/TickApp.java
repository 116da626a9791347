package io.holdfast.spring;

import io.holdfast.lock.ExclusiveTasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * One application instance for the cross-JVM tests: a task scheduled every {@code tick.period}
 * under {@code @ExclusiveTask}, recorded in a fenced journal shared by every instance. Prints
 * {@code START <nanoTime> <token> <virtual>} when a run starts.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableScheduling
public class TickApp {

    public static void main(String[] args) {
        SpringApplication.run(TickApp.class, args);
        System.out.println("READY");
    }

    @Bean
    Ticker ticker(@Value("${tick.journal}") Path journal, @Value("${tick.work:20ms}") Duration work) {
        return new Ticker(new FencedJournal(journal), work);
    }

    /** The scheduled task. */
    public static class Ticker {
        private final FencedJournal journal;
        private final Duration work;

        Ticker(FencedJournal journal, Duration work) {
            this.journal = journal;
            this.work = work;
        }

        @Scheduled(fixedRateString = "${tick.period:200ms}")
        @ExclusiveTask(name = "tick", minHold = "${tick.min-hold:}")
        public void tick() throws InterruptedException {
            long token = ExclusiveTasks.currentLease().orElseThrow().fencingToken();
            long start = System.nanoTime();
            System.out.println("START " + start + " " + token + " " + isVirtual());
            journal.enter(token);
            try {
                Thread.sleep(work.toMillis());
            } finally {
                journal.exit(start, token);
            }
        }

        private static boolean isVirtual() {
            try {
                return (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
            } catch (ReflectiveOperationException e) {
                return false; // Java 17: no virtual threads
            }
        }
    }

    /**
     * The protected resource: a file that, under its own OS lock, keeps the highest token seen
     * and whether a run is inside. A run that enters while another is inside, or with a token not
     * above the highest, is written down as {@code OVERLAP} or {@code STALE}. Each run appends
     * {@code RUN <start> <end> <token> <pid>} (nanoTime: one clock for every process of the host).
     */
    static final class FencedJournal {
        private final Path dir;

        FencedJournal(Path dir) {
            this.dir = dir;
        }

        void enter(long token) {
            update(state -> {
                StringBuilder problems = new StringBuilder();
                if (state.get(0) != 0) {
                    problems.append("OVERLAP ").append(token).append('\n');
                }
                if (token <= state.get(1)) {
                    problems.append("STALE ").append(token).append('\n');
                }
                state.put(0, 1).put(1, Math.max(token, state.get(1)));
                return problems.toString();
            });
        }

        void exit(long start, long token) {
            update(state -> {
                state.put(0, 0);
                return "RUN " + start + " " + System.nanoTime() + " " + token + " "
                        + ProcessHandle.current().pid() + "\n";
            });
        }

        private synchronized void update(java.util.function.Function<java.nio.LongBuffer, String> change) {
            try (FileChannel fence = FileChannel.open(dir.resolve("fence.bin"), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock lock = fence.lock()) {
                ByteBuffer bytes = ByteBuffer.allocate(16);
                fence.read(bytes, 0);
                bytes.clear();
                java.nio.LongBuffer state = bytes.asLongBuffer();
                String line = change.apply(state);
                fence.write(bytes.clear(), 0);
                if (!line.isEmpty()) {
                    Files.writeString(dir.resolve("journal.txt"), line, StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
