package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import java.lang.reflect.Method;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The clients holdfast creates drop, on reconnect, the replay of a command whose caller gave up,
 * on every supported Lettuce: through {@code replayFilter} where Lettuce has it (6.6 and later),
 * else through Lettuce never writing a completed command (6.5). Runs under each compat profile.
 */
class ReplayFilterTest {

    @Test
    void givenUpCommands_areFilteredFromReplays_whereLettuceHasAReplayFilter() throws Exception {
        Method getter = replayFilterGetter();
        assertThat(RedisBackend.hasReplayFilter()).isEqualTo(getter != null);
        if (getter == null) {
            return; // Lettuce 6.5: no filter to set; the fallback is a completed command not being written
        }
        for (ClientOptions options : new ClientOptions[] {
                RedisBackend.withoutGivenUpReplays(ClientOptions.builder()).build(),
                RedisBackend.withoutGivenUpReplays(ClusterClientOptions.builder()).build()}) {
            @SuppressWarnings("unchecked")
            Predicate<RedisCommand<?, ?, ?>> filter = (Predicate<RedisCommand<?, ?, ?>>) getter.invoke(options);
            AsyncCommand<String, String, String> pending = command();
            AsyncCommand<String, String, String> cancelled = command();
            cancelled.cancel(true);
            assertThat(filter.test(pending)).as("a command its caller still waits for is replayed").isFalse();
            assertThat(filter.test(cancelled)).as("a cancelled command is not replayed").isTrue();
        }
    }

    @Test
    void aCommandWhoseCallerGaveUp_isDone_soNoLettuceVersionWritesIt() {
        AsyncCommand<String, String, String> cancelled = command();
        cancelled.cancel(true);
        assertThat(cancelled.isDone()).isTrue();
        assertThat(RedisBackend.gaveUp(cancelled)).isTrue();
        assertThat(RedisBackend.gaveUp(command())).isFalse();
    }

    private static AsyncCommand<String, String, String> command() {
        return new AsyncCommand<>(new Command<>(CommandType.PING, new StatusOutput<>(StringCodec.UTF8)));
    }

    private static Method replayFilterGetter() {
        try {
            return ClientOptions.class.getMethod("getReplayFilter");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
