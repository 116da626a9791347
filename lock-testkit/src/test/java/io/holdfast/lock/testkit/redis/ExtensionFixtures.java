package io.holdfast.lock.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Test classes that the tests of {@link RedisExtension} run through the JUnit Platform launcher, as
 * a build would run a user's classes. Not run on their own: the file name matches no test pattern.
 */
final class ExtensionFixtures {

    private ExtensionFixtures() {
    }

    /** A static extension, with tests in the class and in nested classes two levels deep. */
    static class NestedClasses {
        /** The node each test saw, in order. */
        static final List<RedisNode> SEEN = new CopyOnWriteArrayList<>();

        @RegisterExtension
        static RedisExtension redis = RedisExtension.of(RedisTopologySpec.standalone().name("nested").build());

        static void record() {
            SEEN.add(redis.primary());
            assertThat(redis.primary().cli("PING")).isEqualTo("PONG");
        }

        @Test
        void outer() {
            record();
        }

        @Nested
        class Inner {
            @Test
            void inner() {
                record();
            }

            @Nested
            class Deeper {
                @Test
                void deeper() {
                    record();
                }
            }
        }

        @Nested
        class Sibling {
            @Test
            void sibling() {
                record();
            }
        }

        @Test
        void outerAgain() {
            record();
        }
    }

    /** One of two classes that each want a server, as a user's test suite would. */
    static class FirstRedisUser {
        @RegisterExtension
        static RedisExtension redis = RedisExtension.standalone();

        @Test
        void usesRedis() {
            redis.primary().cli("PING");
        }
    }

    /** A second class (inheriting the test and the extension): it must fail the same way as the first. */
    static class SecondRedisUser extends FirstRedisUser {
    }
}
