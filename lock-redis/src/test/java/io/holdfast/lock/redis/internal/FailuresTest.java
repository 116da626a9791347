package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void transientFailures_areRetried() {
        assertThat(Failures.isTransient(new RedisCommandExecutionException("LOADING Redis is loading"))).isTrue();
        assertThat(Failures.isTransient(new RedisCommandExecutionException("TRYAGAIN Multiple keys"))).isTrue();
        assertThat(Failures.isTransient(new RedisCommandExecutionException("CLUSTERDOWN The cluster is down"))).isTrue();
        assertThat(Failures.isTransient(new RedisCommandExecutionException("MASTERDOWN Link down"))).isTrue();
        assertThat(Failures.isTransient(new RedisLoadingException("LOADING"))).isTrue();
        assertThat(Failures.isTransient(new RedisCommandTimeoutException("timed out"))).isTrue();
        assertThat(Failures.isTransient(new TimeoutException())).isTrue();
        assertThat(Failures.isTransient(new RedisException("Currently not connected. Commands are rejected."))).isTrue();
        assertThat(Failures.isTransient(new ExecutionException(
                new RedisConnectionException("refused", new ConnectException("Connection refused"))))).isTrue();
    }

    @Test
    void permanentFailures_areNot() {
        assertThat(Failures.isTransient(new RedisCommandExecutionException("WRONGTYPE Operation against a key"))).isFalse();
        assertThat(Failures.isTransient(new RedisCommandExecutionException("NOPERM this user has no permissions"))).isFalse();
        assertThat(Failures.isTransient(new RedisConnectionException("Unable to connect",
                new RedisCommandExecutionException("WRONGPASS invalid username-password pair")))).isFalse();
        assertThat(Failures.isTransient(new IllegalStateException("bug"))).isFalse();
    }

    @Test
    void explanations_nameTheFix_andMaskPasswords() {
        assertThat(Failures.explain(new CompletionException(new RedisConnectionException("x",
                new ConnectException("Connection refused"))))).startsWith("connection refused");
        assertThat(Failures.explain(new RedisCommandExecutionException("NOAUTH Authentication required.")))
                .contains("requires a password");
        assertThat(Failures.explain(new RedisException("cannot reach redis://:hunter2@db:6379")))
                .contains("redis://:****@db:6379").doesNotContain("hunter2");
        assertThat(Failures.unavailable("acquiring lock key k", "redis://db:6379",
                new RedisCommandTimeoutException("t"), 3).getMessage())
                .isEqualTo("acquiring lock key k failed at redis://db:6379 after 3 attempts: no answer in time:"
                        + " check that the host and port point at Redis (a TLS port needs rediss://) and that"
                        + " it is not overloaded");
    }
}
