package io.holdfast.lock.internal.env;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Records, during each test, what one class logs. lock-api logs through SLF4J, which slf4j-jdk14
 * binds to java.util.logging in these tests: records carry the message SLF4J formatted.
 */
final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    private final Logger jul;
    private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    LogCapture(Class<?> logging) {
        this.jul = Logger.getLogger(logging.getName());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        records.clear();
        jul.addHandler(handler);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        jul.removeHandler(handler);
    }

    /** Every record so far. */
    List<LogRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** The messages logged at {@code level}. */
    List<String> messages(Level level) {
        return records().stream().filter(r -> r.getLevel() == level).map(LogRecord::getMessage).toList();
    }
}
