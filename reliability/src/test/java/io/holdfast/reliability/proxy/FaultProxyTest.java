package io.holdfast.reliability.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

    private EchoServer echo;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new EchoServer();
        proxy = FaultProxy.start("127.0.0.1", echo.port());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String read(Socket socket, int length) throws IOException {
        byte[] bytes = socket.getInputStream().readNBytes(length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void pass_deliversBothWays() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "hello");
            assertThat(read(socket, 5)).isEqualTo("hello");
        }
        assertThat(proxy.requestBytes()).isEqualTo(5);
        assertThat(proxy.replyBytes()).isEqualTo(5);
    }

    @Test
    void latency_delaysEachWay() throws IOException {
        proxy.latency(Duration.ofMillis(150));
        try (Socket socket = connect()) {
            long start = System.nanoTime();
            send(socket, "ping");
            assertThat(read(socket, 4)).isEqualTo("ping");
            // both directions delayed: at least two one-way latencies (a lower bound, never an upper one)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void holdReplies_serverExecutesButClientHearsNothingUntilPass() throws IOException {
        try (Socket socket = connect()) {
            proxy.holdReplies();
            send(socket, "late");
            await().atMost(Duration.ofSeconds(5)).until(() -> echo.received.get() == 4);
            socket.setSoTimeout(300);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.queuedBytes()).isEqualTo(4);
            proxy.pass();
            socket.setSoTimeout(5_000);
            assertThat(read(socket, 4)).isEqualTo("late");
        }
    }

    @Test
    void blackhole_holdsRequestsUntilPass() throws IOException, InterruptedException {
        try (Socket socket = connect()) {
            send(socket, "a");
            assertThat(read(socket, 1)).isEqualTo("a");
            proxy.blackhole();
            send(socket, "bcd");
            Thread.sleep(300);
            assertThat(echo.received.get()).isEqualTo(1);
            proxy.pass();
            assertThat(read(socket, 3)).isEqualTo("bcd");
        }
    }

    @Test
    void reset_abortsOpenConnectionsAndDropsQueuedBytes() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "x");
            assertThat(read(socket, 1)).isEqualTo("x");
            proxy.blackhole();
            send(socket, "lost");
            proxy.reset();
            InputStream in = socket.getInputStream();
            // a reset connection reports an error or end of stream, never the dropped bytes
            try {
                assertThat(in.read()).isEqualTo(-1);
            } catch (IOException expected) {
                assertThat(expected).hasMessageContaining("reset");
            }
            assertThat(proxy.openConnections()).isZero();
        }
        assertThat(echo.received.get()).isEqualTo(1);
        proxy.pass();
        try (Socket again = connect()) {
            send(again, "ok");
            assertThat(read(again, 2)).isEqualTo("ok");
        }
    }

    @Test
    void refuse_resetsNewConnections() throws IOException {
        proxy.refuse(true);
        try (Socket socket = connect()) {
            try {
                send(socket, "x");
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            } catch (IOException expected) {
                // reset by peer: what a refused connection looks like to a client already connected
            }
        }
        proxy.refuse(false);
        try (Socket socket = connect()) {
            send(socket, "y");
            assertThat(read(socket, 1)).isEqualTo("y");
        }
    }
}
