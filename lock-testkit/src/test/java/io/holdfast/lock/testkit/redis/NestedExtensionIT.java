package io.holdfast.lock.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** A static {@link RedisExtension} starts one server per top-level class, @Nested classes included. */
class NestedExtensionIT {

    @Test
    void nestedClasses_shareTheTopLevelClassesServer_whichStopsWithThatClass() {
        ExtensionFixtures.NestedClasses.SEEN.clear();
        TestExecutionSummary summary = FixtureRun.run(ExtensionFixtures.NestedClasses.class);

        assertThat(summary.getFailures()).as("failures").isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(5);
        // regression: each @Nested class started a server of its own (and leaked the enclosing one)
        assertThat(ExtensionFixtures.NestedClasses.SEEN).hasSize(5).allSatisfy(node ->
                assertThat(node).isSameAs(ExtensionFixtures.NestedClasses.SEEN.get(0)));
        assertThat(ExtensionFixtures.NestedClasses.SEEN.get(0).isAlive()).isFalse();
    }
}
