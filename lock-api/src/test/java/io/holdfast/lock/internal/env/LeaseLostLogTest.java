package io.holdfast.lock.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The lease-lost WARN goes through SLF4J (here bound to java.util.logging by slf4j-jdk14, which
 * hands JUL a formatted message without parameters; {@code System.Logger} would hand it the
 * pattern and the parameters) and prints the fencing token as plain digits, as every message does.
 */
class LeaseLostLogTest {

    private static final long TOKEN = 1_796_068_260_761_532L;

    @RegisterExtension
    final LogCapture log = new LogCapture(core());

    @Test
    void leaseLostWarn_goesThroughSlf4j_withTheTokenAsPlainDigits() throws Exception {
        assertThat(LoggerFactory.getLogger(core()).getClass().getName())
                .as("SLF4J is bound to its JUL provider in these tests").contains("JDK14");
        MemoryLockManager.Store store = new MemoryLockManager.Store();
        store.tokens.put("inverter_read", TOKEN - 1);
        try (MemoryLockManager m = new MemoryLockManager("memory", store, e -> { })) {
            Lease lease = m.acquire("inverter_read", Duration.ofSeconds(5));
            assertThat(lease.fencingToken()).isEqualTo(TOKEN);
            m.loseAll();
            lease.release();
        }
        assertThat(log.records()).filteredOn(r -> r.getLevel() == Level.WARNING).singleElement()
                .satisfies(r -> {
                    assertThat(r.getParameters()).as("formatted by SLF4J").isNull();
                    assertThat(r.getMessage())
                            .startsWith("lease on lock 'inverter_read' (fencing token " + TOKEN + ", thread ")
                            .contains("was lost: expired (test)")
                            .doesNotContain("1,796");
                });
    }

    /** The manager core that logs losses (package-private in spi). */
    private static Class<?> core() {
        try {
            return Class.forName("io.holdfast.lock.spi.LockCore");
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
