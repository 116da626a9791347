package io.holdfast.benchmarks.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The harness's own view of the benchmark Redis: the Lettuce PING round trip (the unit latencies are
 * expressed in), {@code INFO commandstats} snapshots (commands executed, including those run inside
 * scripts) and a {@code MONITOR} sample that tells commands clients sent from commands scripts ran.
 */
final class ServerProbe implements AutoCloseable {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final String host;
    private final int port;

    ServerProbe(String host, int port) {
        this.host = host;
        this.port = port;
        this.client = RedisClient.create("redis://" + host + ":" + port);
        this.connection = client.connect();
        this.redis = connection.sync();
    }

    /** The median of 3,000 Lettuce PING round trips, after 1,000 to warm up. */
    long pingRttNanos() {
        for (int i = 0; i < 1_000; i++) {
            redis.ping();
        }
        long[] samples = new long[3_000];
        for (int i = 0; i < samples.length; i++) {
            long start = System.nanoTime();
            redis.ping();
            samples[i] = System.nanoTime() - start;
        }
        Arrays.sort(samples);
        return samples[samples.length / 2];
    }

    void flushAll() {
        redis.flushall();
    }

    /** Calls per command name ({@code INFO commandstats}), without the probe's own {@code info}. */
    Map<String, Long> commandCalls() {
        Map<String, Long> calls = new HashMap<>();
        for (String line : redis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
                int colon = line.indexOf(':');
                int start = line.indexOf("calls=") + "calls=".length();
                int end = line.indexOf(',', start);
                calls.put(line.substring("cmdstat_".length(), colon), Long.parseLong(line.substring(start, end)));
            }
        }
        return calls;
    }

    /**
     * Microseconds Redis spent running scripts so far ({@code usec} of {@code evalsha} and {@code eval}
     * in {@code INFO commandstats}; includes the commands the scripts ran).
     */
    long scriptMicros() {
        long micros = 0;
        for (String line : redis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                int start = line.indexOf("usec=") + "usec=".length();
                micros += Long.parseLong(line.substring(start, line.indexOf(',', start)));
            }
        }
        return micros;
    }

    static long executedBetween(Map<String, Long> before, Map<String, Long> after) {
        long total = 0;
        for (Map.Entry<String, Long> entry : after.entrySet()) {
            total += entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
        }
        return total;
    }

    /**
     * Watches {@code MONITOR} for {@code millis} and returns {sent, executed}: commands clients sent,
     * and those plus the commands scripts ran ({@code [0 lua]} lines). MONITOR slows Redis down, so the
     * harness uses only the ratio, over a tail phase after the measured window.
     */
    long[] monitorSample(long millis) {
        long sent = 0;
        long executed = 0;
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(50);
            OutputStream out = socket.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            long end = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < end) {
                String line;
                try {
                    line = in.readLine();
                } catch (SocketTimeoutException idle) {
                    continue;
                }
                if (line == null) {
                    break;
                }
                if (line.startsWith("+") && line.contains("] \"")) {
                    executed++;
                    if (!line.contains(" lua] ")) {
                        sent++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("MONITOR on " + host + ":" + port + " failed", e);
        }
        return new long[] {sent, executed};
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
