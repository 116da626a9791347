package io.holdfast.lock.testkit.jvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A start barrier between a test and the JVMs it started, so that every child begins its work at
 * the same moment: each child prints {@code READY} and waits for a "go" file; the test waits for
 * every child's {@code READY} line, then creates the file.
 */
public final class StartSignal {

    private StartSignal() {}

    /** Child side: prints {@code READY}, then returns once {@code go} exists. */
    public static void readyThenAwait(Path go) throws InterruptedException {
        System.out.println("READY");
        while (!Files.exists(go)) {
            Thread.sleep(5);
        }
    }

    /**
     * Parent side: waits until every JVM printed {@code READY}, then creates {@code go}.
     *
     * @throws AssertionError if a JVM did not get ready within {@code timeout}
     */
    public static void release(List<TestJvm> jvms, Path go, Duration timeout)
            throws InterruptedException, IOException {
        for (TestJvm jvm : jvms) {
            jvm.awaitLine("READY", timeout);
        }
        Files.createFile(go);
    }
}
