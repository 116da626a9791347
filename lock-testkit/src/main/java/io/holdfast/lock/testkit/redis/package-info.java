/**
 * Real Redis servers for tests: {@link io.holdfast.lock.testkit.redis.RedisExtension} for JUnit 5,
 * {@link io.holdfast.lock.testkit.redis.RedisTopology} for programmatic use (benchmarks, fault tests),
 * {@link io.holdfast.lock.testkit.redis.RedisNode} to kill, freeze, resume and restart single processes,
 * {@link io.holdfast.lock.testkit.redis.RedisTopology#breakLock(String)} to make a holdfast lock's holder
 * lose its lease.
 *
 * <p>Servers run from the local {@code redis-server} binary (Sentinels as {@code redis-server <conf>
 * --sentinel}) on free loopback ports, never 6379, each with its directory and log under
 * {@code target/redis-testkit/<name>-<role>-<port>}. When the binaries are missing and a Docker engine is
 * available (Testcontainers on the class path), each server runs in a {@code redis:7} container on the
 * host network instead; with neither, every class using the kit fails saying what to install. System
 * properties: {@code holdfast.testkit.redis.launcher} ({@code auto}, {@code process}, {@code container}),
 * {@code holdfast.testkit.redis.image}, {@code holdfast.testkit.redis.dir}.
 *
 * <p>No process outlives the test run: topologies are closed by the extension, remaining children are
 * killed by a shutdown hook, by the kernel when the JVM is SIGKILLed ({@code setpriv --pdeathsig}), and
 * leftovers of crashed runs are killed at the next start from pid files.
 */
package io.holdfast.lock.testkit.redis;
