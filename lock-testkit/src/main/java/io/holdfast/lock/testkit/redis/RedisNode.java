package io.holdfast.lock.testkit.redis;

import java.nio.file.Path;

/**
 * One Redis process (a data node or a Sentinel) started by the kit, with the fault injections tests
 * need: SIGKILL, SIGSTOP/SIGCONT and restart on the same port. Thread-safe.
 */
public interface RedisNode {

    /** The loopback address the node listens on: {@code 127.0.0.1}. */
    String host();

    /** The TCP port; fixed for the node's life, across restarts. */
    int port();

    /** The operating-system pid of the current process (changes on restart). */
    long pid();

    /** {@code redis://[password@]127.0.0.1:<port>}, usable by Lettuce's {@code RedisURI.create}. */
    String uri();

    /** True for a Sentinel, false for a data node. */
    boolean isSentinel();

    /** The node's directory (config, data, logs) under {@code target/redis-testkit}. */
    Path directory();

    /** The server log file. */
    Path logFile();

    /** True while the process exists, including while stopped by {@link #stop()}. */
    boolean isAlive();

    /** Kills the process with SIGKILL and waits until it is gone; no-op if already dead. */
    void kill();

    /**
     * Freezes the process with SIGSTOP: the port stays open but nothing answers (a GC pause or a
     * partitioned host, as clients see it).
     *
     * @throws IllegalStateException if the process is not alive
     */
    void stop();

    /**
     * Resumes a process frozen by {@link #stop()} with SIGCONT.
     *
     * @throws IllegalStateException if the process is not alive
     */
    void cont();

    /**
     * Restarts the node on the same port with the same config file, keeping its data: a live data node
     * is shut down with {@code SHUTDOWN SAVE}; a killed one comes back with what it had persisted.
     * Returns once the new process answers PING.
     *
     * @throws IllegalStateException if the node does not come back in time (message has the log tail)
     */
    void restart();

    /**
     * Kills the node, deletes its dataset (RDB and AOF; Cluster identity is kept) and restarts it on the
     * same port, empty.
     *
     * @throws IllegalStateException if the node does not come back in time (message has the log tail)
     */
    void restartWithoutData();

    /**
     * Runs {@code redis-cli} against this node (with its password) and returns the trimmed output, e.g.
     * {@code cli("INFO", "replication")} or {@code cli("-c", "SET", "k", "v")} (options first). Error replies
     * come back as text ("ERR ..."), as redis-cli prints them.
     *
     * @throws IllegalStateException if redis-cli fails, exits non-zero or takes over 30s
     */
    String cli(String... args);
}
