package io.holdfast.lock.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StandaloneTopologyIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Test
    void start_answersPing_onOwnLoopbackPort_withLogUnderTarget() {
        RedisNode node = redis.primary();

        assertThat(node.cli("PING")).isEqualTo("PONG");
        assertThat(node.port()).isNotEqualTo(6379);
        assertThat(node.host()).isEqualTo("127.0.0.1");
        assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + node.port());
        assertThat(node.directory().toString()).contains("target/redis-testkit/standalone-server-" + node.port());
        assertThat(node.logFile()).exists();
        assertThat(node.cli("CONFIG", "GET", "save")).isEqualTo("save");
        assertThat(node.cli("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
        assertThat(ProcessHandle.of(node.pid())).isPresent();
    }

    @Test
    void close_killsProcess_andClosesPort() {
        RedisTopology topology = RedisTopology.startStandalone();
        RedisNode node = topology.primary();
        long pid = node.pid();

        topology.close();

        assertThat(node.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Ports.isListening(node.host(), node.port())).isFalse();
        topology.close(); // idempotent
    }

    @Test
    void stop_freezesServer_andContResumesIt() throws Exception {
        RedisNode node = redis.primary();

        node.stop();
        CompletableFuture<String> frozen = CompletableFuture.supplyAsync(() -> node.cli("PING"));
        try {
            Thread.sleep(300);
            assertThat(frozen).isNotDone();
            assertThat(node.isAlive()).isTrue();
        } finally {
            node.cont();
        }
        assertThat(frozen.get(10, TimeUnit.SECONDS)).isEqualTo("PONG");
    }

    @Test
    void kill_thenRestart_comesBackOnSamePort_andRestartKeepsData() {
        RedisTopology topology = RedisTopology.startStandalone();
        try (topology) {
            RedisNode node = topology.primary();
            int port = node.port();
            long firstPid = node.pid();

            node.kill();
            assertThat(node.isAlive()).isFalse();
            assertThat(Ports.isListening(node.host(), port)).isFalse();

            node.restart();
            assertThat(node.pid()).isNotEqualTo(firstPid);
            assertThat(node.port()).isEqualTo(port);
            node.cli("SET", "kept", "yes");

            node.restart();
            assertThat(node.cli("GET", "kept")).isEqualTo("yes");

            node.restartWithoutData();
            assertThat(node.cli("EXISTS", "kept")).isEqualTo("0");
        }
    }

    @Test
    void password_isRequired_andCarriedByUriAndCli() throws Exception {
        try (RedisTopology topology = RedisTopologySpec.standalone().name("auth").password("s3cret")
                .serverArg("appendonly", "yes").start()) {
            RedisNode node = topology.primary();

            assertThat(node.cli("PING")).isEqualTo("PONG");
            assertThat(topology.uri()).isEqualTo("redis://s3cret@127.0.0.1:" + node.port());
            assertThat(node.cli("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nyes");
            assertThat(topology.toString()).doesNotContain("s3cret");
            assertThatThrownBy(() -> Resp.call(node.host(), node.port(), null, "GET", "x"))
                    .hasMessageContaining("NOAUTH");
            assertThat(Files.readString(node.directory().resolve("redis.conf"))).contains("requirepass s3cret");
        }
    }

    @Test
    void spec_rejectsManagedDirectives_andShortTimeouts() {
        assertThatThrownBy(() -> RedisTopologySpec.standalone().serverArg("port", "6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'port' is managed");
        assertThatThrownBy(() -> RedisTopologySpec.standalone().startupTimeout(Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startupTimeout must be at least 1s, but was PT0.005S");
        assertThat(RedisTopologySpec.quote("")).isEqualTo("\"\"");
        assertThat(RedisTopologySpec.quote("a b\"c")).isEqualTo("\"a b\\\"c\"");
    }

    @Test
    void portTakenMeanwhile_isRetriedOnAnotherPort() {
        AtomicInteger renders = new AtomicInteger();
        int taken = redis.primary().port();
        // The first attempt is made to collide with a running server, as a racing allocation would.
        ProcessNode node = ProcessNode.start("collide", "server", false, null, Duration.ofSeconds(10),
                (port, dir) -> Redis.baseConfig(renders.getAndIncrement() == 0 ? taken : port, dir));
        try {
            assertThat(renders).hasValue(2);
            assertThat(node.port()).isNotEqualTo(taken);
            assertThat(node.cli("PING")).isEqualTo("PONG");
        } finally {
            node.kill();
        }
    }

    @Test
    void badConfig_failsFast_withLogTail() {
        assertThatThrownBy(() -> RedisTopologySpec.standalone().name("bad").serverArg("maxmemory-policy", "nonsense")
                .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("during start-up")
                .hasMessageContaining("maxmemory-policy");
    }
}
