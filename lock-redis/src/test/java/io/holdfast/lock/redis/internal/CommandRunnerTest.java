package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.LockMetrics;
import io.holdfast.lock.redis.RedisLockSettings;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The retry decisions of {@link CommandRunner}, with the command as a function the test scripts
 * (its seam): which failures are retried, how many attempts, the caller's deadline, the per-attempt
 * timeout and cancellation, interrupts and the retry metric. Backoffs are 1ms, so nothing waits
 * long; nothing asserts on speed.
 */
class CommandRunnerTest {

    private final AtomicInteger retries = new AtomicInteger();
    private final LockMetrics metrics = new LockMetrics() {
        @Override
        public void retry() {
            retries.incrementAndGet();
        }
    };

    private CommandRunner runner(int attempts, Duration timeout) {
        RedisLockSettings settings = RedisLockSettings.builder().uri("redis://localhost:1")
                .retry(attempts, Duration.ofMillis(1), Duration.ofMillis(1)).timeout(timeout)
                .build();
        return new CommandRunner(settings, "redis://localhost:1", metrics);
    }

    /** A command failing with {@code failures} in turn, then answering "ok". */
    private static Supplier<CompletableFuture<String>> failing(List<CompletableFuture<String>> sent,
            Throwable... failures) {
        return () -> {
            CompletableFuture<String> f = new CompletableFuture<>();
            int n = sent.size();
            sent.add(f);
            if (n < failures.length) {
                f.completeExceptionally(failures[n]);
            } else {
                f.complete("ok");
            }
            return f;
        };
    }

    private static long inSeconds(int s) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(s);
    }

    @Test
    void transientFailures_areRetried_andEachRetryIsCounted() throws Exception {
        List<CompletableFuture<String>> sent = new CopyOnWriteArrayList<>();
        String r = runner(5, Duration.ofSeconds(3)).call("GET", failing(sent,
                new RedisConnectionException("reset"), new RedisCommandExecutionException(
                        "LOADING Redis is loading the dataset in memory")), inSeconds(30));
        assertThat(r).isEqualTo("ok");
        assertThat(sent).hasSize(3);
        assertThat(retries).hasValue(2);
    }

    @Test
    void nonTransientFailure_isNotRetried() {
        List<CompletableFuture<String>> sent = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> runner(5, Duration.ofSeconds(3)).call("EVALSHA", failing(sent,
                new RedisCommandExecutionException("NOPERM this user has no permissions")),
                inSeconds(30)))
                .isInstanceOf(LockUnavailableException.class)
                .hasMessageContaining("EVALSHA failed at redis://localhost:1")
                .hasMessageNotContaining("attempts");
        assertThat(sent).hasSize(1);
        assertThat(retries).hasValue(0);
    }

    @Test
    void attempts_stopAtTheConfiguredNumber_namingThem() {
        List<CompletableFuture<String>> sent = new CopyOnWriteArrayList<>();
        RedisConnectionException down = new RedisConnectionException("refused");
        assertThatThrownBy(() -> runner(3, Duration.ofSeconds(3)).call("GET",
                failing(sent, down, down, down, down), inSeconds(30)))
                .isInstanceOf(LockUnavailableException.class).hasMessageContaining("after 3 attempts")
                .hasCause(down);
        assertThat(sent).hasSize(3);
        assertThat(retries).hasValue(2);
    }

    @Test
    void callerWithNoTimeLeft_getsOneCommandTimeout_notTheAttemptsItWouldHaveHadMore() throws Exception {
        List<CompletableFuture<String>> sent = new CopyOnWriteArrayList<>();
        RedisConnectionException down = new RedisConnectionException("refused");
        RedisConnectionException[] always = new RedisConnectionException[100_000];
        java.util.Arrays.fill(always, down);
        CommandRunner runner = runner(100_000, Duration.ofMillis(50));
        assertThatThrownBy(() -> runner.call("GET", failing(sent, always), System.nanoTime()))
                .isInstanceOf(LockUnavailableException.class).hasCause(down);
        assertThat(sent).as("retries end with the one command timeout the caller gets")
                .hasSizeBetween(1, 99_999);

        // the one attempt is a full one: a reply within the command timeout is taken
        CompletableFuture<String> slow = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(() -> slow.complete("late"));
        assertThat(runner(3, Duration.ofSeconds(10)).call("GET", () -> slow, System.nanoTime() - 1))
                .isEqualTo("late");
    }

    @Test
    void attemptWithoutReply_timesOut_isCancelled_andRetried() throws Exception {
        List<CompletableFuture<String>> sent = new CopyOnWriteArrayList<>();
        Supplier<CompletableFuture<String>> firstHangs = () -> {
            CompletableFuture<String> f = new CompletableFuture<>();
            if (!sent.isEmpty()) {
                f.complete("ok");
            }
            sent.add(f);
            return f;
        };
        assertThat(runner(3, Duration.ofMillis(20)).call("GET", firstHangs, inSeconds(30)))
                .isEqualTo("ok");
        assertThat(sent.get(0)).as("not replayed after a reconnect").isCancelled();
        assertThat(retries).hasValue(1);
    }

    @Test
    void interruptibleCall_ofAnInterruptedThread_throwsInterruptedException() {
        CompletableFuture<String> never = new CompletableFuture<>();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> runner(3, Duration.ofSeconds(3)).call("GET", () -> never,
                    inSeconds(30))).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void uninterruptibleCall_runsOnAnInterruptedThread_andKeepsTheFlag() {
        List<CompletableFuture<String>> sent = new CopyOnWriteArrayList<>();
        RedisConnectionException down = new RedisConnectionException("reset");
        Thread.currentThread().interrupt();
        try {
            String r = runner(3, Duration.ofSeconds(3)).callUninterruptibly("release",
                    failing(sent, down), inSeconds(30));
            assertThat(r).isEqualTo("ok");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(sent).as("retried across the backoff despite the flag").hasSize(2);
        } finally {
            Thread.interrupted();
        }
    }
}
