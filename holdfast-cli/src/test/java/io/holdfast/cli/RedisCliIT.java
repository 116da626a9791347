package io.holdfast.cli;

import static io.holdfast.cli.Cli.list;
import static io.holdfast.cli.Cli.map;
import static io.holdfast.cli.Cli.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.RedisStatusManager;
import io.holdfast.lock.testkit.jvm.TestJvm;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CLI against a standalone Redis: what it shows matches what the managers hold and wait for. */
class RedisCliIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private static final Duration LEASE = Duration.ofMillis(1500);
    /**
     * How long a wait for something that must happen may take: a liveness bound for a loaded
     * machine (each poll runs the CLI), never a speed assertion. Waits for a lease's loss are
     * not bounded by the lease either: when a loss is reported is RenewerTest's subject.
     */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String namespace = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Map<String, String> env() {
        return Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", redis.uri(), "LOCK_NAMESPACE", namespace,
                "LOCK_LEASE", "1500ms");
    }

    private RedisLockManager manager() {
        RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                .namespace(namespace).lease(LEASE).build());
        open.add(m);
        return m;
    }

    /** Starts a thread that waits for {@code name} on {@code m}, holds it until {@code done}. */
    private CompletableFuture<Long> waiter(RedisLockManager m, String name, CountDownLatch done) {
        CompletableFuture<Long> token = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (Lease l = m.acquire(name, Duration.ofSeconds(30))) {
                token.complete(l.fencingToken());
                done.await(30, TimeUnit.SECONDS);
            } catch (Throwable e) {
                token.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return token;
    }

    @Test
    void locks_showTheHolderProcessAndToken_ofALockHeldByAnotherJvm() throws Exception {
        try (TestJvm service = TestJvm.builder(HoldMain.class).args("inverter_read")
                .env(Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", redis.uri(), "LOCK_NAMESPACE", namespace,
                        "LOCK_APP_NAME", "inverter-poller")).start()) {
            long pid = Long.parseLong(service.awaitLine("waiting ", Duration.ofSeconds(30)).substring(8));
            long token = Long.parseLong(service.awaitLine("held ", Duration.ofSeconds(30)).substring(5));

            Cli.Result r = Cli.run(env(), "locks", "--json");
            assertThat(r.code()).as("%s", r).isZero();
            List<Map<String, Object>> locks = list(r.json(), "locks");
            assertThat(locks).hasSize(1);
            Map<String, Object> lock = locks.get(0);
            assertThat(lock).containsEntry("name", "inverter_read").containsEntry("backend", "redis")
                    .containsEntry("queueLength", 0);
            assertThat(number(lock.get("token"))).isEqualTo(token);
            assertThat(number(lock.get("leaseLeftMs"))).isPositive();
            Map<String, Object> instance = map(map(lock, "holder"), "instance");
            assertThat(number(instance.get("pid"))).isEqualTo(pid);
            assertThat(instance).containsEntry("app", "inverter-poller").containsEntry("role", "locks")
                    .containsEntry("backend", "redis");

            Cli.Result table = Cli.run(env(), "locks");
            assertThat(table.out()).contains("inverter_read").contains(":" + pid + " inverter-poller")
                    .contains(Long.toString(token));

            Cli.Result instances = Cli.run(env(), "instances", "--json");
            assertThat(list(instances.json(), "instances"))
                    .anySatisfy(i -> {
                        assertThat(number(i.get("pid"))).isEqualTo(pid);
                        assertThat(i).containsEntry("role", "locks")
                                .containsEntry("holds", List.of("inverter_read"));
                    })
                    // the service's flags share its lock manager's connection and owner id
                    .filteredOn(i -> number(i.get("pid")) == pid).hasSize(1);
            service.process().getOutputStream().close(); // the service releases and closes
            assertThat(service.finish(Duration.ofSeconds(30))).contains("released");
        }
        // the registration goes when its manager closes
        await().atMost(PATIENCE).until(() ->
                list(Cli.run(env(), "instances", "--json").json(), "instances").isEmpty());
    }

    @Test
    void queueLength_andInspectEntries_matchTheRealWaiters() throws Exception {
        RedisLockManager holder = manager();
        Lease lease = holder.acquire("export", Duration.ofSeconds(5));
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture<Long> first = waiter(manager(), "export", done);
        await().atMost(PATIENCE).until(() -> queue("export") == 1);
        CompletableFuture<Long> second = waiter(manager(), "export", done);
        await().atMost(PATIENCE).until(() -> queue("export") == 2);

        Cli.Result inspect = Cli.run(env(), "inspect", "export", "--json");
        Map<String, Object> lock = list(inspect.json(), "locks").get(0);
        List<Map<String, Object>> queue = list(lock, "queue");
        assertThat(queue).hasSize(2).allSatisfy(q -> assertThat(
                number(map(q, "instance").get("pid"))).isEqualTo(ProcessHandle.current().pid()));
        assertThat(number(queue.get(0).get("waitedMs"))).isGreaterThanOrEqualTo(number(queue.get(1).get("waitedMs")));
        assertThat(number(lock.get("oldestWaitMs"))).isEqualTo(number(queue.get(0).get("waitedMs")));
        assertThat(Cli.run(env(), "inspect", "export").out()).contains("queue     2").contains("WAITER");

        lease.release();
        long t1 = first.get(20, TimeUnit.SECONDS);
        assertThat(t1).isGreaterThan(lease.fencingToken());
        await().atMost(PATIENCE).until(() -> queue("export") == 1);
        done.countDown();
        second.get(20, TimeUnit.SECONDS);
        assertThat(Cli.run(env(), "inspect", "export").code()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    private int queue(String name) {
        Cli.Result r = Cli.run(env(), "locks", name, "--json");
        List<Map<String, Object>> locks = list(r.json(), "locks");
        return locks.isEmpty() ? -1 : (int) number(locks.get(0).get("queueLength"));
    }

    @Test
    void forcedRelease_evictsTheHolder_whoseFencedWritesAreRejected_andIsAudited() throws Exception {
        RedisLockManager stuck = manager();
        FencedRegister register = new FencedRegister();
        Lease held = stuck.acquire("nightly-export", Duration.ofSeconds(5));
        assertThat(register.write(held.fencingToken())).isTrue();
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture<Long> next = waiter(manager(), "nightly-export", done);
        await().atMost(PATIENCE).until(() -> queue("nightly-export") == 1);

        Cli.Result refused = Cli.run(env(), "release", "nightly-export");
        assertThat(refused.code()).as("%s", refused).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("--force");
        assertThat(held.isHeld()).isTrue();

        Cli.Result r = Cli.run(env(), "release", "nightly-export", "--force", "--reason",
                "export hung on a dead NFS mount", "--operator", "alice", "--json");
        assertThat(r.code()).as("%s", r).isZero();
        Map<String, Object> result = list(r.json(), "results").get(0);
        assertThat(result).containsEntry("outcome", "handed_to_waiter");
        assertThat(number(result.get("token"))).isEqualTo(held.fencingToken());
        long fence = number(result.get("nextToken"));
        assertThat(fence).isGreaterThan(held.fencingToken());

        // the waiter got the lock with the advanced fence and writes with it
        long newToken = next.get(10, TimeUnit.SECONDS);
        assertThat(newToken).isEqualTo(fence);
        assertThat(register.write(newToken)).isTrue();
        // the evicted holder learns of it at its next renewal, and its late write is rejected
        await().atMost(PATIENCE).until(() -> !held.isHeld());
        assertThat(register.write(held.fencingToken())).isFalse();
        assertThat(held.release()).isFalse();

        Cli.Result audit = Cli.run(env(), "audit", "--json");
        Map<String, Object> record = list(audit.json(), "records").get(0);
        assertThat(record).containsEntry("action", "release").containsEntry("name", "nightly-export")
                .containsEntry("reason", "export hung on a dead NFS mount");
        assertThat((String) record.get("operator")).startsWith("alice@");
        assertThat((String) record.get("holder")).contains(":" + ProcessHandle.current().pid());
        assertThat(number(record.get("token"))).isEqualTo(held.fencingToken());
        assertThat(number(record.get("nextToken"))).isEqualTo(fence);
        done.countDown();
    }

    @Test
    void forcedRelease_withoutWaiters_freesTheLock_andAdvancesTheFence() throws Exception {
        RedisLockManager stuck = manager();
        Lease held = stuck.acquire("free-me", Duration.ofSeconds(5));
        Cli.Result r = Cli.run(env(), "release", "free-me", "--force", "--reason", "test");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).contains("the lock is free").contains("audit record written");
        await().atMost(PATIENCE).until(() -> !held.isHeld());
        try (Lease again = manager().acquire("free-me", Duration.ofSeconds(5))) {
            assertThat(again.fencingToken()).isGreaterThan(held.fencingToken() + 32);
        }
        assertThat(Cli.run(env(), "release", "free-me", "--force", "--reason", "again").code())
                .isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(Cli.run(env(), "release", "free-me", "--force").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void flagsClear_refusesAnotherOwnersFlag_unlessForced() {
        RedisStatusManager service = RedisStatusManager.create(RedisLockSettings.builder()
                .uri(redis.uri()).namespace(namespace).build());
        open.add(service);
        service.set("export-running", Duration.ofMinutes(5));

        Cli.Result list = Cli.run(env(), "flags", "--json");
        Map<String, Object> flag = list(list.json(), "flags").get(0);
        assertThat(flag).containsEntry("name", "export-running");
        assertThat(number(map(flag, "instance").get("pid"))).isEqualTo(ProcessHandle.current().pid());
        assertThat(Cli.run(env(), "flags").out()).contains("export-running")
                .contains(":" + ProcessHandle.current().pid());

        Cli.Result refused = Cli.run(env(), "flags", "clear", "export-running");
        assertThat(refused.code()).as("%s", refused).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("--force");
        assertThat(service.isSet("export-running")).isTrue();

        Cli.Result forced = Cli.run(env(), "flags", "clear", "export-running", "--force", "--reason", "stale");
        assertThat(forced.code()).as("%s", forced).isZero();
        assertThat(service.isSet("export-running")).isFalse();
        assertThat(Cli.run(env(), "flags", "get", "export-running").code()).isEqualTo(ExitCodes.NOT_FOUND);

        // the operator's own flag clears without --force
        assertThat(Cli.run(env(), "flags", "set", "maintenance", "--ttl", "10m", "--reason", "upgrade").code()).isZero();
        Cli.Result get = Cli.run(env(), "flags", "get", "maintenance", "--json");
        assertThat(get.code()).isZero();
        assertThat(number(list(get.json(), "flags").get(0).get("ttlLeftMs"))).isBetween(590_000L, 600_000L);
        assertThat(service.isSet("maintenance")).isTrue();
        assertThat(Cli.run(env(), "flags", "clear", "maintenance").code()).isZero();
        assertThat(service.isSet("maintenance")).isFalse();

        List<Map<String, Object>> audit = list(Cli.run(env(), "audit", "--json").json(), "records");
        assertThat(audit).extracting(a -> a.get("action") + " " + a.get("name"))
                .containsExactly("flag-clear export-running", "flag-set maintenance", "flag-clear maintenance");
    }

    @Test
    void checkConnect_andWatch_printParseableJson() {
        Cli.Result check = Cli.run(env(), "check", "--connect", "--json");
        assertThat(check.code()).as("%s", check).isZero();
        Map<String, Object> redisBackend = list(check.json(), "backends").get(0);
        assertThat(map(redisBackend, "settings")).containsEntry("LOCK_NAMESPACE", namespace)
                .containsEntry("LOCK_LEASE", "1.5s");
        assertThat(list(redisBackend, "findings")).extracting(f -> f.get("name"))
                .contains("start-up checks", "round trip");
        assertThat(list(redisBackend, "findings")).anySatisfy(f -> assertThat((String) f.get("value"))
                .startsWith("Redis ").contains("role master"));

        Cli.Result watch = Cli.run(env(), "watch", "--json", "--count", "2", "--interval", "100ms");
        assertThat(watch.code()).isZero();
        List<String> lines = watch.out().lines().toList();
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(Cli.parse(l)).containsKey("locks"));
    }
}
