package io.holdfast.lock.testkit.redis;

/** One running {@code redis-server} as the kit controls it: a child process or a container. */
interface Server {

    /** The host pid of the process. */
    long pid();

    /** True while the process exists, including while paused. */
    boolean isAlive();

    /** SIGKILL; returns once the process is gone. */
    void kill();

    /** Freezes the process (SIGSTOP, or the cgroup freezer for a container). */
    void pause();

    /** Undoes {@link #pause()}. */
    void resume();

    /** Waits up to {@code seconds} for the process to exit by itself; true if it did. */
    boolean awaitExit(long seconds);

    /** How the process ended ("exit code 1"), for failure messages. */
    String exitStatus();
}
