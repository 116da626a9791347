package io.holdfast.reliability.scenario;

import io.holdfast.lock.testkit.redis.RedisNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A replica added to the test kit's Cluster (whose nodes are primaries only): a redis-server this
 * class starts, joins with CLUSTER MEET and attaches with CLUSTER REPLICATE. Killed on close.
 */
final class ClusterReplica implements AutoCloseable {

    private final Process process;
    private final int port;

    private ClusterReplica(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a replica of {@code primary} in {@code dir} and waits until its link is up. */
    static ClusterReplica of(RedisNode primary, Path dir) throws IOException, InterruptedException {
        int port = freePort();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("redis.conf"), "port " + port + "\nbind 127.0.0.1\ndaemonize no\n"
                + "dir " + dir + "\nlogfile " + dir.resolve("redis.log") + "\nsave \"\"\nappendonly no\n"
                + "cluster-enabled yes\ncluster-config-file nodes.conf\ncluster-node-timeout 2000\n"
                + "cluster-port " + freePort() + "\n");
        Process process = new ProcessBuilder("redis-server", dir.resolve("redis.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        ClusterReplica replica = new ClusterReplica(process, port);
        try {
            replica.await(Duration.ofSeconds(10), () -> "PONG".equals(replica.cli("PING")));
            // the kit gives every node its own cluster bus port, so MEET must name it
            String busPort = primary.cli("CONFIG", "GET", "cluster-port").split("\n")[1].strip();
            replica.cli("CLUSTER", "MEET", primary.host(), Integer.toString(primary.port()), busPort);
            String primaryId = primary.cli("CLUSTER", "MYID");
            replica.await(Duration.ofSeconds(15), () -> replica.cli("CLUSTER", "NODES").contains(primaryId));
            replica.await(Duration.ofSeconds(15), () -> replica.cli("CLUSTER", "REPLICATE", primaryId).equals("OK"));
            replica.await(Duration.ofSeconds(20),
                    () -> replica.cli("INFO", "replication").contains("master_link_status:up"));
            return replica;
        } catch (RuntimeException | InterruptedException e) {
            replica.close();
            throw e;
        }
    }

    int port() {
        return port;
    }

    /** True once the replica reports itself a master. */
    boolean isPrimary() {
        return cli("ROLE").startsWith("master");
    }

    /** Runs redis-cli against the replica and returns the trimmed output ("" on failure). */
    String cli(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return cli.waitFor(10, TimeUnit.SECONDS) && cli.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private void await(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        if (!Timing.poll(timeout, condition)) {
            throw new IllegalStateException("cluster replica on port " + port + " not ready within " + timeout);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
