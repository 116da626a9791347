package io.holdfast.lock.testkit.redis;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Runs test classes with the JUnit Platform launcher and returns the summary. */
final class FixtureRun {

    private FixtureRun() {
    }

    static TestExecutionSummary run(Class<?>... classes) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(List.of(classes).stream().map(c -> selectClass(c)).toList())
                .build(), listener);
        return listener.getSummary();
    }
}
