package io.holdfast.lock.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** A {@link RedisNode} backed by a {@code redis-server} process started by the JVM's {@link Launcher}. */
final class ProcessNode implements RedisNode {

    static final String HOST = "127.0.0.1";
    private static final int PORT_ATTEMPTS = 5;
    private static final int LOG_TAIL_LINES = 25;

    /** Renders the config file of a node listening on {@code port} with files in {@code dir}. */
    @FunctionalInterface
    interface Config {
        String render(int port, Path dir);
    }

    private final String label;
    private final int port;
    private final Path dir;
    private final boolean sentinel;
    private final String password;
    private final Duration startupTimeout;
    private volatile Server server;
    private volatile Consumer<ProcessNode> onLaunch = node -> { };

    private ProcessNode(String label, int port, Path dir, boolean sentinel, String password, Duration startupTimeout) {
        this.label = label;
        this.port = port;
        this.dir = dir;
        this.sentinel = sentinel;
        this.password = password;
        this.startupTimeout = startupTimeout;
    }

    /**
     * Starts a node named {@code <name>-<role>-<port>} (in a directory also named by the JVM's pid) on a free port, retrying with another port when
     * someone else bound it first, and returns once it answers PING.
     *
     * @param password the password clients must use, or null (always null for Sentinels)
     */
    static ProcessNode start(String name, String role, boolean sentinel, String password, Duration startupTimeout,
            Config config) {
        Launcher.get();
        IllegalStateException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            int port = Ports.next();
            // the JVM's pid keeps the directory fresh: the root outlives builds, and another JVM may
            // have used this port for a node of the same name (a Cluster node would load its
            // nodes.conf and refuse to join a new cluster: "Node is not empty")
            Path dir = Processes.root().resolve(name + "-" + role + "-" + port + "-" + ProcessHandle.current().pid());
            ProcessNode node = new ProcessNode(name + "/" + role, port, dir, sentinel, password, startupTimeout);
            try {
                Files.createDirectories(dir);
                Files.writeString(node.configFile(), config.render(port, dir));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare " + dir, e);
            }
            try {
                node.launch();
                return node;
            } catch (IllegalStateException e) {
                if (!node.logTail().contains("Address already in use")) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private Path configFile() {
        return dir.resolve(sentinel ? "sentinel.conf" : "redis.conf");
    }

    private synchronized void launch() {
        Server started = Launcher.get().launch(dir, configFile(), sentinel, dir.resolve("stdout.log"));
        server = started;
        awaitReady(started);
        onLaunch.accept(this);
    }

    /** Runs {@code action} now and after every restart (settings the config file cannot hold). */
    void onLaunch(Consumer<ProcessNode> action) {
        onLaunch = action;
        action.accept(this);
    }

    private void awaitReady(Server started) {
        boolean up;
        try {
            up = Redis.await(startupTimeout, this + " to answer PING", () -> started.isAlive()
                    ? (answersPing() ? Optional.of(true) : Optional.empty())
                    : Optional.of(false));
        } catch (IllegalStateException e) {
            started.kill();
            throw new IllegalStateException(this + " did not answer PING within " + startupTimeout + "; log "
                    + logFile() + ":\n" + logTail(), e);
        }
        if (!up) {
            started.awaitExit(1);
            throw new IllegalStateException(this + " exited (" + started.exitStatus() + ")"
                    + " during start-up; log " + logFile() + ":\n" + logTail());
        }
    }

    /**
     * True once the server answers PING and is ours: if another process took the port first, it is the
     * one answering until ours exits with "Address already in use", so identity is checked by config file.
     */
    private boolean answersPing() {
        try {
            if (!"PONG".equals(Resp.call(HOST, port, password, "PING"))) {
                return false;
            }
            String info = Resp.text(HOST, port, password, "INFO", "server");
            return info.contains("config_file:" + configFile() + "\r") || info.contains("config_file:"
                    + configFile().toRealPath() + "\r");
        } catch (Resp.ErrorReply e) {
            return false; // LOADING, or a Cluster node refusing before its config is read
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** Sends a command through the kit's own client (no redis-cli process); see {@link Resp#call}. */
    Object call(String... command) {
        return Resp.call(HOST, port, password, command);
    }

    /** Like {@link #call}, for commands answering one string. */
    String text(String... command) {
        return Resp.text(HOST, port, password, command);
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public long pid() {
        return server.pid();
    }

    @Override
    public String uri() {
        return "redis://" + (password == null ? "" : password + "@") + HOST + ":" + port;
    }

    @Override
    public boolean isSentinel() {
        return sentinel;
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public Path logFile() {
        return dir.resolve("redis.log");
    }

    @Override
    public boolean isAlive() {
        return server.isAlive();
    }

    @Override
    public synchronized void kill() {
        server.kill();
    }

    @Override
    public void stop() {
        requireAlive("stop");
        server.pause();
    }

    @Override
    public void cont() {
        requireAlive("cont");
        server.resume();
    }

    private void requireAlive(String action) {
        if (!server.isAlive()) {
            throw new IllegalStateException("cannot " + action + " " + this + ": the process is not running");
        }
    }

    @Override
    public synchronized void restart() {
        Server current = server;
        if (current.isAlive()) {
            current.resume();
            if (sentinel || !shutdownSaving(current)) {
                current.kill();
            }
        }
        launch();
    }

    private boolean shutdownSaving(Server current) {
        try {
            call("SHUTDOWN", "SAVE");
        } catch (UncheckedIOException e) {
            // expected: the server closes the connection as it exits
        } catch (Resp.ErrorReply e) {
            return false;
        }
        return current.awaitExit(10);
    }

    @Override
    public synchronized void restartWithoutData() {
        server.kill();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(".rdb") || fileName.startsWith("appendonly")) {
                    deleteRecursively(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the dataset in " + dir, e);
        }
        launch();
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @Override
    public String cli(String... args) {
        List<String> command = new ArrayList<>(List.of("-h", HOST, "-p", Integer.toString(port)));
        command.addAll(authArgs(password));
        command.addAll(List.of(args));
        return redisCli(command, 30);
    }

    /** Runs redis-cli with exactly {@code args}, where this node's binaries live. */
    String redisCli(List<String> args, long timeoutSeconds) {
        return Launcher.get().cli(server, args, timeoutSeconds);
    }

    /** The redis-cli options authenticating with {@code password} (none for null). */
    static List<String> authArgs(String password) {
        return password == null ? List.of() : List.of("-a", password, "--no-auth-warning");
    }

    /** The last lines of the server log and of the process output, for failure messages. */
    String logTail() {
        return tail(logFile()) + tail(dir.resolve("stdout.log"));
    }

    private static String tail(Path file) {
        if (!Files.exists(file)) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()))
                    + (lines.isEmpty() ? "" : "\n");
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }

    @Override
    public String toString() {
        return (sentinel ? "sentinel " : "redis ") + label + " at " + HOST + ":" + port;
    }
}
