package io.holdfast.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LockTimeoutExceptionTest {

    @Test
    void lazyDetail_isComputedOnceWhenTheMessageIsRead() {
        AtomicInteger calls = new AtomicInteger();
        LockTimeoutException e = new LockTimeoutException("job", Duration.ofSeconds(5),
                () -> "held by h" + calls.incrementAndGet());
        assertThat(calls).hasValue(0);
        assertThat(e.getMessage()).isEqualTo("lock 'job' not acquired within 5s (held by h1)");
        assertThat(e.getMessage()).isEqualTo("lock 'job' not acquired within 5s (held by h1)");
        assertThat(calls).hasValue(1);
    }

    @Test
    void failingDetail_isLeftOut() {
        LockTimeoutException e = new LockTimeoutException("job", Duration.ofSeconds(5), () -> {
            throw new IllegalStateException("manager closed");
        });
        assertThat(e.getMessage()).isEqualTo("lock 'job' not acquired within 5s");
    }

    @Test
    void serialized_carriesTheResolvedMessage() throws Exception {
        LockTimeoutException e = new LockTimeoutException("job", Duration.ofMillis(20),
                () -> "held by h");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        try (ObjectInputStream in = new ObjectInputStream(
                new ByteArrayInputStream(bytes.toByteArray()))) {
            LockTimeoutException copy = (LockTimeoutException) in.readObject();
            assertThat(copy.getMessage()).isEqualTo("lock 'job' not acquired within 20ms (held by h)");
            assertThat(copy.resource()).isEqualTo("job");
            assertThat(copy.waited()).isEqualTo(Duration.ofMillis(20));
        }
    }
}
