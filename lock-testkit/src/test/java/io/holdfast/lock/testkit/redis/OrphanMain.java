package io.holdfast.lock.testkit.redis;

/** Child JVM for {@link OrphanCleanupIT}: starts a server, prints its pid, then waits to be killed. */
public final class OrphanMain {

    private OrphanMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        RedisTopology topology = RedisTopology.startStandalone();
        System.out.println("REDIS_PID " + topology.primary().pid());
        System.out.flush();
        Thread.sleep(60_000);
    }
}
