package io.holdfast.reliability.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.testkit.redis.RedisTopology;
import io.holdfast.lock.testkit.redis.RedisTopologySpec;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SslOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS: a redis-server serving {@code rediss://} with certificates this test makes with openssl.
 * The right CA and host work end to end; a certificate from another CA, or one issued for another
 * host name, is refused with a message that says TLS.
 */
class TlsIT {

    private static final List<RedisClient> CLIENTS = new CopyOnWriteArrayList<>();
    private static Path dir;
    private static Certificates certs;
    private static RedisTopology redis;
    private static int tlsPort;

    @BeforeAll
    static void startTlsRedis() throws Exception {
        dir = Files.createTempDirectory("holdfast-tls");
        certs = new Certificates(dir);
        certs.ca("good-ca");
        certs.ca("other-ca");
        certs.server("server", "good-ca", "IP:127.0.0.1");
        certs.server("wrong-host", "good-ca", "DNS:not-this-host.example");
        tlsPort = freePort();
        // the plain port stays for the kit's own probes; clients below use only the TLS port
        redis = RedisTopologySpec.standalone().name("tls")
                .serverArg("tls-port", Integer.toString(tlsPort))
                .serverArg("tls-cert-file", dir.resolve("server.crt").toString())
                .serverArg("tls-key-file", certs.key("server").toString())
                .serverArg("tls-ca-cert-file", dir.resolve("good-ca.crt").toString())
                .serverArg("tls-auth-clients", "no")
                .start();
    }

    @AfterAll
    static void stop() {
        CLIENTS.forEach(RedisClient::shutdown); // lock-redis leaves caller-owned clients running
        if (redis != null) {
            redis.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static RedisLockManager manager(String host, String caName) {
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                .trustManager(dir.resolve(caName + ".crt").toFile()).build()).build());
        try {
            RedisLockManager manager = RedisLockManager.create(RedisLockSettings.builder().client(client)
                    .uri("rediss://" + host + ":" + tlsPort).lease(Duration.ofSeconds(5))
                    .timeout(Duration.ofSeconds(3)).build());
            CLIENTS.add(client);
            return manager;
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    @Test
    void rightCaAndHost_locksOverTls() throws InterruptedException {
        try (RedisLockManager manager = manager("127.0.0.1", "good-ca");
                Lease lease = manager.acquire("tls-lock", Duration.ofSeconds(3))) {
            assertThat(lease.fencingToken()).isPositive();
            assertThat(manager.inspect("tls-lock")).isPresent();
        }
        // and that port really is TLS: redis-cli needs --tls and the CA to get an answer
        assertThat(redis.primary().cli("-p", Integer.toString(tlsPort), "--tls", "--cacert",
                dir.resolve("good-ca.crt").toString(), "PING")).isEqualTo("PONG");
    }

    @Test
    void certificateFromAnotherCa_isRefused() {
        assertThatThrownBy(() -> manager("127.0.0.1", "other-ca").close())
                .isInstanceOf(LockUnavailableException.class)
                .hasMessageContaining("TLS");
    }

    @Test
    void certificateForAnotherHost_isRefused() {
        redis.primary().cli("CONFIG", "SET", "tls-cert-file", dir.resolve("wrong-host.crt").toString(),
                "tls-key-file", certs.key("wrong-host").toString());
        try {
            assertThatThrownBy(() -> manager("127.0.0.1", "good-ca").close())
                    .isInstanceOf(LockUnavailableException.class)
                    .hasMessageContaining("TLS");
        } finally {
            redis.primary().cli("CONFIG", "SET", "tls-cert-file", dir.resolve("server.crt").toString(),
                    "tls-key-file", certs.key("server").toString());
        }
    }
}
