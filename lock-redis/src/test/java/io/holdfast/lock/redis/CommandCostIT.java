package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pins the protocol's cost, as INFO commandstats counts it: an uncontended acquire plus release is
 * two round trips (one EVALSHA each) and seven executed commands (EVALSHA, SET NX PX, TIME,
 * SET GET of the fencing token; EVALSHA, GET, DEL). TIME keeps tokens increasing when Redis loses
 * the counter; the release reads before it deletes, so a value that is not ours is never touched
 * (issue 10, defect 5). Redisson executes 12 for the same.
 */
class CommandCostIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Test
    void uncontendedLockAndUnlock_costTwoRoundTrips_andSevenCommands() throws Exception {
        String namespace = "cc-" + UUID.randomUUID().toString().substring(0, 8);
        int cycles = 200;
        try (RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                        .namespace(namespace).build());
                RawRedis raw = new RawRedis(redis.uri())) {
            for (int i = 0; i < 500; i++) { // scripts cached, connections open, code compiled
                m.acquire("warm", Duration.ofSeconds(5)).release();
            }
            raw.sync().configResetstat();
            long start = System.nanoTime();
            for (int i = 0; i < cycles; i++) {
                try (Lease lease = m.acquire("cost-" + (i % 10), Duration.ofSeconds(5))) {
                    lease.ensureHeld();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("uncontended lock+unlock, one thread: %.0f per second%n", cycles / seconds);
            String stats = raw.sync().info("commandstats");
            long ours = raw.totalCommandCalls();
            System.out.println("commands per uncontended lock+unlock: " + (double) ours / cycles + "\n" + stats);
            assertThat(stats).contains("cmdstat_evalsha:calls=" + (2 * cycles) + ",");
            assertThat(ours).isEqualTo(7L * cycles);
            assertThat(stats).doesNotContain("cmdstat_publish").doesNotContain("cmdstat_eval:");
        }
    }
}
