package io.holdfast.lock.redis.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.internal.env.EnvSettings;
import io.holdfast.lock.internal.env.Mode;
import io.holdfast.lock.redis.internal.RedisUrls.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The environment with the real backends (file and local from lock-local, redis): what lock-api
 * decides with them (USE_NEW_LOCKS alone is lock-api's EnvSettingsTest), and the redis and file backends' own variables ({@link RedisVariables},
 * {@code LOCK_DIR}), each error naming the variable.
 */
class RedisEnvironmentTest {

    private static EnvSettings parse(String... kv) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return EnvSettings.parse(env);
    }

    private static RedisVariables redis(EnvSettings s) {
        return RedisVariables.read(s.config(), false);
    }

    /** The file backend's default directory, as it reports it. */
    private static String defaultLockDir() {
        return new io.holdfast.lock.local.provider.FileBackendProvider()
                .validate(io.holdfast.lock.spi.BackendConfig.of(Map.of()), false).settings()
                .substring("LOCK_DIR=".length());
    }

    private static void rejects(String expectedFragment, String... kv) {
        assertThatThrownBy(() -> parse(kv)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expectedFragment);
    }

    @Test
    void empty_isLegacyFileLocksInTheDefaultDirectory() {
        EnvSettings s = parse();
        assertThat(s.mode()).isEqualTo(Mode.LEGACY);
        assertThat(s.backendNames()).containsExactly("file");
        assertThat(s.backendName()).isEqualTo("file");
        assertThat(s.summary()).isEqualTo("USE_NEW_LOCKS=false, backend file, LOCK_DIR=" + defaultLockDir());
        assertThat(s.unused()).isEmpty();
    }

    @Test
    void fatJarWithoutMergedServiceFiles_findsEveryKnownBackend_andChoosesRedisByItsUrl() {
        // regression guard for packaging-tests: lock-api knows holdfast's providers as data only
        ClassLoader fatJar = new ClassLoader(RedisEnvironmentTest.class.getClassLoader()) {
            @Override
            public java.util.Enumeration<java.net.URL> getResources(String name) throws java.io.IOException {
                return name.startsWith("META-INF/services/") ? java.util.Collections.emptyEnumeration()
                        : super.getResources(name);
            }
        };
        io.holdfast.lock.internal.env.Backends installed = io.holdfast.lock.internal.env.Backends.installed(fatJar);
        assertThat(installed.all().keySet()).containsExactly("file", "local", "redis");
        EnvSettings s = EnvSettings.parse(Map.of("USE_NEW_LOCKS", "dual", "REDIS_URL", "redis://h"), installed);
        assertThat(s.backendNames()).containsExactly("file", "redis");
    }

    @Nested
    class LockBackend {
        @ParameterizedTest
        @ValueSource(strings = {"true", "dual"})
        void newBackend_withoutRedisUrl_stopsStartUp_unlessLocalIsExplicit(String mode) {
            rejects("USE_NEW_LOCKS=" + mode + " needs a new backend, and none is chosen; set LOCK_BACKEND to"
                    + " one of: local (in-process locks, which do not coordinate processes or hosts), redis"
                    + " (Redis; chosen by default when REDIS_URL is set, such as redis://host:6379)."
                    + " In-process backends do not coordinate processes or hosts: choose one only on purpose",
                    "USE_NEW_LOCKS", mode);
            rejects("REDIS_URL is set", "USE_NEW_LOCKS", mode, "LOCK_LEASE", "10s");
            EnvSettings local = parse("USE_NEW_LOCKS", mode, "LOCK_BACKEND", "local");
            assertThat(local.backendNames()).endsWith("local");
            assertThat(local.summary()).contains("LOCK_BACKEND=local, in-process: does not coordinate processes");
        }

        @Test
        void true_withRedisUrl_defaultsToRedis() {
            EnvSettings s = parse("USE_NEW_LOCKS", "true", "REDIS_URL", "redis://h:6379");
            assertThat(s.backendName()).isEqualTo("redis");
            assertThat(s.summary()).contains("LOCK_BACKEND=redis (default: REDIS_URL is set)");
        }

        @Test
        void dual_namesBothBackends_fileFirst() {
            assertThat(parse("USE_NEW_LOCKS", "dual", "REDIS_URL", "redis://h").backendNames())
                    .containsExactly("file", "redis");
            assertThat(parse("USE_NEW_LOCKS", "dual", "LOCK_BACKEND", "local").backendName())
                    .isEqualTo("dual(file+local)");
        }

        @Test
        void rejectsUnknownBackend() {
            rejects("LOCK_BACKEND must be the name of a lock backend on the class path: local, redis",
                    "USE_NEW_LOCKS", "true", "LOCK_BACKEND", "zookeeper");
            rejects("file locks are what USE_NEW_LOCKS=false uses",
                    "USE_NEW_LOCKS", "true", "LOCK_BACKEND", "file");
        }

        @Test
        void rejectsRedisWithoutUrl() {
            rejects("the redis backend needs REDIS_URL, which is not set (LOCK_BACKEND=redis chooses it)",
                    "USE_NEW_LOCKS", "true", "LOCK_BACKEND", "redis");
        }

        @Test
        void rejectsRedisSettingsWithLocalBackend() {
            rejects("REDIS_URL only applies to the redis backend, but LOCK_BACKEND=local; set LOCK_BACKEND=redis"
                    + " to use it, or unset REDIS_URL",
                    "USE_NEW_LOCKS", "true", "LOCK_BACKEND", "local", "REDIS_URL", "redis://h");
            rejects("LOCK_LEASE, LOCK_REPLICA_ACKS only apply to the redis backend, but LOCK_BACKEND=local",
                    "USE_NEW_LOCKS", "dual", "LOCK_BACKEND", "local", "LOCK_LEASE", "30s", "LOCK_REPLICA_ACKS", "1");
        }

        @Test
        void legacyMode_redisSettingsWithoutRedisUrl_sayTheBackendIsFile() {
            // regression: the message said "the backend is local" while USE_NEW_LOCKS=false runs file locks
            assertThatThrownBy(() -> parse("USE_NEW_LOCKS", "false", "LOCK_LEASE", "30s"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("LOCK_LEASE only applies to the redis backend, which is not chosen"
                            + " (USE_NEW_LOCKS=false uses file locks; the redis backend takes over with"
                            + " USE_NEW_LOCKS=dual or true); choose it (Redis; chosen by default when REDIS_URL"
                            + " is set, such as redis://host:6379), or unset LOCK_LEASE")
                    .hasMessageNotContaining("backend is local");
        }

        @Test
        void legacyMode_validatesButReportsNewBackendSettingsUnused() {
            EnvSettings s = parse("REDIS_URL", "redis://u:pw1@h", "LOCK_BACKEND", "redis",
                    "LOCK_LEASE", "10s");
            assertThat(s.backendName()).isEqualTo("file");
            assertThat(s.unused()).containsExactlyInAnyOrder("REDIS_URL", "LOCK_BACKEND", "LOCK_LEASE");
            assertThat(s.summary()).contains("set but not used while USE_NEW_LOCKS=false")
                    .doesNotContain("pw1");
            rejects("LOCK_BACKEND must be the name of a lock backend on the class path", "LOCK_BACKEND", "etcd");
        }

        @Test
        void trueMode_reportsLockDirUnused() {
            assertThat(parse("USE_NEW_LOCKS", "1", "LOCK_BACKEND", "local", "LOCK_DIR", "/tmp/x").unused())
                    .containsExactly("LOCK_DIR");
        }
    }

    @Nested
    class RedisUrl {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "redis://localhost|STANDALONE|1",
            "redis://localhost:6379/3|STANDALONE|1",
            "rediss://user:pw@redis.example.com:6380/0?timeout=5s|STANDALONE|1",
            "redis://redis_1:6379|STANDALONE|1",
            "redis://[::1]:6379|STANDALONE|1",
            "redis-sentinel://pw@s1:26379,s2:26379,s3/0#mymaster|SENTINEL|1",
            "redis-sentinel://s1:26379?sentinelMasterId=mymaster|SENTINEL|1",
            "rediss-sentinel://pw@s1:26379,s2#mymaster|SENTINEL|1",
            "redis://h1:7000,redis://h2:7001, redis://h3:7002|CLUSTER|3",
            "redis-socket:///run/redis/redis.sock|STANDALONE|1",
        })
        void acceptsEachTopology(String url, Topology topology, int uris) {
            EnvSettings s = parse("USE_NEW_LOCKS", "true", "REDIS_URL", url);
            assertThat(redis(s).url()).hasValueSatisfying(r -> {
                assertThat(r.topology()).isEqualTo(topology);
                assertThat(r.uris()).hasSize(uris);
            });
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "localhost:6379|must start with redis://",
            "http://h:6379|must start with redis://",
            "redis://|the host is missing",
            "redis://h:0|port must be a number from 1 to 65535",
            "redis://h:99999|port must be a number from 1 to 65535",
            "redis://h:port|port must be a number from 1 to 65535",
            "redis://h/db1|path may only be a database number",
            "redis://h#master|only allowed in redis-sentinel://",
            "redis://bad host|the host may only contain",
            "redis-sentinel://s1:26379|must name the master",
            "redis://h1:7000,|must not have empty entries",
            "redis://h1:7000,h2:7001|every Cluster seed must start with redis://",
            "redis://h1:7000,rediss://h2:7001|all use TLS",
            "redis://h1:7000/1,redis://h2:7001|only database 0",
            "redis-socket://host:6379|names the socket file's path",
        })
        void rejectsMalformed(String url, String problem) {
            rejects("REDIS_URL is not a valid Redis URL: ", "REDIS_URL", url);
            rejects(problem, "REDIS_URL", url);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "redis://admin:Sup3rS3cret@h:port",
            "redis://Sup3rS3cret@",
            "redis-sentinel://Sup3rS3cret@s1:26379",
            "http://u:Sup3rS3cret@h",
            "redis://h:1?password=Sup3rS3cret#x",
            "redis://h1:7000,redis://u:Sup3rS3cret@h2:bad",
        })
        void errorMessages_neverShowThePassword(String url) {
            assertThatThrownBy(() -> parse("USE_NEW_LOCKS", "true", "REDIS_URL", url))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("REDIS_URL")
                    .hasMessageContaining("****")
                    .hasMessageNotContaining("Sup3rS3cret");
        }

        @Test
        void summaryAndToString_maskThePassword() {
            EnvSettings s = parse("USE_NEW_LOCKS", "dual", "REDIS_URL", "redis://app:Sup3rS3cret@h:6379",
                    "LOCK_NAMESPACE", "billing", "LOCK_LEASE", "45s", "LOCK_REPLICA_ACKS", "1",
                    "LOCK_REPLICA_TIMEOUT", "250ms");
            assertThat(s.summary()).isEqualTo("USE_NEW_LOCKS=dual, backend dual(file+redis), LOCK_DIR="
                    + defaultLockDir() + ", LOCK_BACKEND=redis (default: REDIS_URL is set),"
                    + " REDIS_URL=redis://app:****@h:6379 (standalone), LOCK_NAMESPACE=billing,"
                    + " LOCK_LEASE=45s, LOCK_REPLICA_ACKS=1, LOCK_REPLICA_TIMEOUT=250ms");
            assertThat(s.config().toString()).doesNotContain("Sup3rS3cret");
            assertThat(redis(s).url().orElseThrow().toString()).doesNotContain("Sup3rS3cret");
            assertThat(redis(s).url().orElseThrow().uris().get(0).getCredentialsProvider().resolveCredentials().block().getPassword()).containsExactly("Sup3rS3cret".toCharArray());
        }
    }

    @Nested
    class OtherVariables {
        private final String[] redis = {"USE_NEW_LOCKS", "true", "REDIS_URL", "redis://h"};

        private EnvSettings withRedis(String... kv) {
            String[] all = new String[redis.length + kv.length];
            System.arraycopy(redis, 0, all, 0, redis.length);
            System.arraycopy(kv, 0, all, redis.length, kv.length);
            return parse(all);
        }

        @Test
        void lockDir_isMadeAbsolute(@TempDir Path dir) {
            assertThat(parse("LOCK_DIR", dir.resolve("a/../locks").toString()).summary())
                    .contains("LOCK_DIR=" + dir.resolve("locks"));
            assertThat(parse("LOCK_DIR", "rel").summary()).contains("LOCK_DIR=" + Path.of("rel").toAbsolutePath());
        }

        @Test
        void lockDir_thatIsAFile_isRejected(@TempDir Path dir) throws Exception {
            Path file = Files.createFile(dir.resolve("f"));
            rejects("LOCK_DIR must be a directory or not exist yet", "LOCK_DIR", file.toString());
            rejects("LOCK_DIR must be a valid directory path", "LOCK_DIR", "a\0b");
        }

        @Test
        void namespace() {
            assertThat(redis(withRedis("LOCK_NAMESPACE", "team-a:prod.v2")).namespace()).hasValue("team-a:prod.v2");
            // one rule with RedisLockSettings: what the builder accepts, the variable accepts
            assertThat(redis(withRedis("LOCK_NAMESPACE", "billing/locks")).namespace()).hasValue("billing/locks");
            assertThatThrownBy(() -> withRedis("LOCK_NAMESPACE", "{tag}"))
                    .hasMessageContaining("LOCK_NAMESPACE must be 1 to 64 printable ASCII characters without spaces or braces")
                    .hasMessageContaining("'{tag}'");
            assertThatThrownBy(() -> withRedis("LOCK_NAMESPACE", "x".repeat(65)))
                    .hasMessageContaining("LOCK_NAMESPACE must be");
        }

        @ParameterizedTest
        @CsvSource({"30s,30000", "500ms,500", "2m,120000", "PT1M30S,90000", "1h,3600000"})
        void lease_acceptsSimpleAndIsoDurations(String text, long millis) {
            assertThat(redis(withRedis("LOCK_LEASE", text)).lease()).hasValue(Duration.ofMillis(millis));
            assertThat(redis(withRedis("LOCK_REPLICA_ACKS", "1", "LOCK_REPLICA_TIMEOUT", text))
                    .replicaTimeout()).hasValue(Duration.ofMillis(millis));
        }

        @ParameterizedTest
        @ValueSource(strings = {"50ms", "99ms", "PT0.05S"})
        void lease_belowTheRedisMinimum_isRejected_namingTheVariable(String text) {
            // regression: LOCK_LEASE=50ms passed here and failed later as "lease must be at least 100ms"
            assertThatThrownBy(() -> withRedis("LOCK_LEASE", text)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("LOCK_LEASE must be at least 100ms, but was '" + text + "'");
            assertThat(redis(withRedis("LOCK_LEASE", "100ms")).lease()).hasValue(Duration.ofMillis(100));
        }

        @ParameterizedTest
        @ValueSource(strings = {"30", "thirty seconds", "0s", "-5s", "PT-1S", "5 min"})
        void lease_rejectsOthers(String text) {
            assertThatThrownBy(() -> withRedis("LOCK_LEASE", text))
                    .hasMessageContaining("LOCK_LEASE must be a positive duration such as 500ms")
                    .hasMessageContaining("but was '" + text + "'");
        }

        @Test
        void replicaAcks() {
            assertThat(redis(withRedis("LOCK_REPLICA_ACKS", "2")).replicaAcks()).hasValue(2);
            assertThat(redis(withRedis("LOCK_REPLICA_ACKS", "0")).replicaAcks()).hasValue(0);
            for (String bad : List.of("-1", "two", "101", "1.5")) {
                assertThatThrownBy(() -> withRedis("LOCK_REPLICA_ACKS", bad))
                        .hasMessageContaining("LOCK_REPLICA_ACKS must be a whole number from 0 to 100, but was '" + bad + "'");
            }
        }

        @Test
        void replicaTimeout_withoutAcks_isAConflict() {
            assertThatThrownBy(() -> withRedis("LOCK_REPLICA_TIMEOUT", "1s"))
                    .hasMessageContaining("LOCK_REPLICA_TIMEOUT is set, but LOCK_REPLICA_ACKS is not set");
            assertThatThrownBy(() -> withRedis("LOCK_REPLICA_TIMEOUT", "1s", "LOCK_REPLICA_ACKS", "0"))
                    .hasMessageContaining("LOCK_REPLICA_ACKS is 0");
            assertThatThrownBy(() -> withRedis("LOCK_REPLICA_TIMEOUT", "soon", "LOCK_REPLICA_ACKS", "1"))
                    .hasMessageContaining("LOCK_REPLICA_TIMEOUT must be a positive duration");
        }

        @Test
        void everyVariable_rejectsEmpty() {
            for (String v : List.of("LOCK_BACKEND", "REDIS_URL", "LOCK_DIR", "LOCK_NAMESPACE",
                    "LOCK_LEASE", "LOCK_REPLICA_ACKS", "LOCK_REPLICA_TIMEOUT")) {
                rejects(v + " is set but empty", v, "");
            }
        }
    }
}
