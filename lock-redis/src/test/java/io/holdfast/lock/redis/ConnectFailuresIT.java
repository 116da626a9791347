package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.lock.testkit.redis.RedisTopologySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Misconfiguration fails at create() with a clear, password-free message within the timeout. */
class ConnectFailuresIT {

    private static final String PASSWORD = "s3cret-Pw";
    private static final Duration TIMEOUT = Duration.ofMillis(800);
    /** Time allowed beyond the configured timeout, for a loaded machine: a bound, not a speed test. */
    private static final Duration SLACK = Duration.ofSeconds(4);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.of(RedisTopologySpec.standalone().password(PASSWORD).build());
    /** A plain Redis without a password, where a Sentinel URL may point by mistake. */
    @RegisterExtension
    static RedisExtension plain = RedisExtension.of(RedisTopologySpec.standalone().build());

    private static AbstractThrowableAssert<?, ? extends Throwable> assertCreateFails(String uri) {
        return assertCreateFails(uri, TIMEOUT.plus(SLACK));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertCreateFails(String uri,
            Duration bound) {
        long start = System.nanoTime();
        Throwable thrown = null;
        try {
            RedisLockManager.create(RedisLockSettings.builder().uri(uri).timeout(TIMEOUT).build()).close();
        } catch (Throwable e) {
            thrown = e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("create(" + uri.replace(PASSWORD, "****") + ") failed after " + took.toMillis()
                + "ms: " + (thrown == null ? "nothing thrown" : thrown.getMessage()));
        assertThat(took).as("time to fail").isLessThan(bound);
        return assertThat(thrown).isInstanceOf(LockUnavailableException.class);
    }

    @Test
    void sentinelUrl_atAPlainRedis_failsSayingItIsNotASentinel() {
        int port = plain.primary().port();
        // Lettuce's Sentinel lookup spends several of its timeouts before it gives up
        assertCreateFails("redis-sentinel://127.0.0.1:" + port + "#mymaster", TIMEOUT.multipliedBy(10).plus(SLACK))
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("not a Sentinel")
                .hasMessageNotContaining("no answer in time");
    }

    @Test
    void moreReplicaAcks_thanReplicasAttached_stopStartUp_namingBoth() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                .timeout(TIMEOUT).replicaAcks(1, Duration.ofMillis(100)).build()).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("replica acks 1")
                .hasMessageContaining("0 replica(s) connected")
                .hasMessageContaining("127.0.0.1:" + port())
                .hasMessageNotContaining(PASSWORD);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plus(SLACK));
        // acks the server can give: start-up passes
        RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri()).timeout(TIMEOUT)
                .replicaAcks(0, Duration.ofMillis(100)).build()).close();
    }

    private int port() {
        return redis.primary().port();
    }

    @Test
    void wrongPassword_failsNamingAuthentication_withoutThePassword() {
        assertCreateFails("redis://:wrong-Pw-123@127.0.0.1:" + port())
                .hasMessageContaining("redis://127.0.0.1:" + port())
                .hasMessageContaining("authentication failed")
                .hasMessageNotContaining("wrong-Pw-123")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void missingPassword_failsSayingOneIsRequired() {
        assertCreateFails("redis://127.0.0.1:" + port()).hasMessageContaining("requires a password");
    }

    @Test
    void rightPassword_works() {
        RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri()).timeout(TIMEOUT).build()).close();
        RedisStatusManager.create(RedisLockSettings.builder().uri(redis.uri()).timeout(TIMEOUT).build()).close();
    }

    @Test
    void nothingListening_failsWithConnectionRefused() throws IOException {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        assertCreateFails("redis://:" + PASSWORD + "@127.0.0.1:" + free)
                .hasMessageContaining("127.0.0.1:" + free)
                .hasMessageContaining("connection refused")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void silentPeer_failsWithinTheTimeout() throws Exception {
        // accepts connections and never answers: a firewall black hole or a wrong service
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(s.accept());
                    }
                } catch (IOException closed) {
                    // done
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            assertCreateFails("redis://127.0.0.1:" + s.getLocalPort())
                    .hasMessageContaining("127.0.0.1:" + s.getLocalPort())
                    .hasMessageContaining("no answer in time");
        }
    }

    @Test
    void tlsAgainstAPlainServer_failsNamingTls() {
        assertCreateFails("rediss://:" + PASSWORD + "@127.0.0.1:" + port())
                .hasMessageContaining("rediss://127.0.0.1:" + port())
                .hasMessageContaining("TLS")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void plainAgainstTheWrongPort_ofAnotherProtocol_failsCleanly() throws Exception {
        // an HTTP-ish peer answering garbage must not hang the client
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> {
                try (Socket c = s.accept()) {
                    c.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
                    c.getOutputStream().flush();
                    Thread.sleep(5000);
                } catch (Exception e) {
                    // done
                }
            });
            peer.setDaemon(true);
            peer.start();
            assertCreateFails("redis://127.0.0.1:" + s.getLocalPort())
                    .hasMessageContaining("127.0.0.1:" + s.getLocalPort())
                    .hasMessageContaining("does not speak the Redis protocol");
        }
    }
}
