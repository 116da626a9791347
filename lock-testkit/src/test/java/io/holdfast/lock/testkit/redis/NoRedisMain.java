package io.holdfast.lock.testkit.redis;

import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs two classes that use {@link RedisExtension} and prints one {@code FAILURE} line per failure:
 * {@code FAILURE <test> <exception class>: <message>}. Started by {@link NoRedisIT} in a JVM whose
 * PATH has no redis-server.
 */
public final class NoRedisMain {

    private NoRedisMain() {
    }

    /** Runs the fixtures; no arguments. */
    public static void main(String[] args) {
        TestExecutionSummary summary = FixtureRun.run(ExtensionFixtures.FirstRedisUser.class,
                ExtensionFixtures.SecondRedisUser.class);
        summary.getFailures().forEach(f -> System.out.println("FAILURE " + f.getTestIdentifier().getDisplayName()
                + " " + f.getException().getClass().getName() + ": "
                + String.valueOf(f.getException().getMessage()).replace('\n', ' ')));
        System.out.println("DONE " + summary.getFailures().size());
    }
}
