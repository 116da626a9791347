package io.holdfast.lock.internal.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * lock-api's part of the environment over the test providers ({@link TestProviders}: file,
 * local, remote): {@code USE_NEW_LOCKS}, {@code LOCK_BACKEND} naming any installed backend, the
 * choice of the new backend by its variables, and the rules across backends. The real backends'
 * variables are tested where they live (lock-local, lock-redis).
 */
class EnvSettingsTest {

    private static EnvSettings parse(String... kv) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return EnvSettings.parse(env, Backends.installed(EnvSettingsTest.class.getClassLoader()));
    }

    private static void rejects(String expectedFragment, String... kv) {
        assertThatThrownBy(() -> parse(kv)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expectedFragment);
    }

    @Test
    void empty_isTheLegacyBackend() {
        EnvSettings s = parse();
        assertThat(s.mode()).isEqualTo(Mode.LEGACY);
        assertThat(s.backendNames()).containsExactly("file");
        assertThat(s.backendName()).isEqualTo("file");
        assertThat(s.newBackend()).isEmpty();
        assertThat(s.unused()).isEmpty();
        assertThat(s.summary()).isEqualTo("USE_NEW_LOCKS=false, backend file, LOCK_DIR=default");
    }

    @Test
    void variables_areLockApisAndEveryInstalledBackends() {
        assertThat(EnvSettings.variables(Backends.installed(EnvSettingsTest.class.getClassLoader())))
                .containsExactly("USE_NEW_LOCKS", "LOCK_BACKEND", "LOCK_DIR", "REMOTE_URL", "REMOTE_LEASE",
                        "REDIS_URL"); // the variable that chooses a known backend not installed
        assertThat(parse("PATH", "/bin").config().variables()).isEmpty();
    }

    @Nested
    class UseNewLocks {
        @ParameterizedTest
        @CsvSource({"false,LEGACY", "FALSE,LEGACY", "no,LEGACY", "Off,LEGACY", "0,LEGACY",
            "true,NEW", "TRUE,NEW", "yes,NEW", "ON,NEW", "1,NEW", "dual,DUAL", " Dual ,DUAL"})
        void acceptsUsualSpellings(String value, Mode mode) {
            assertThat(parse("USE_NEW_LOCKS", value, "LOCK_BACKEND", "local").mode()).isEqualTo(mode);
        }

        @ParameterizedTest
        @ValueSource(strings = {"maybe", "2", "tru", "enabled", "y"})
        void rejectsOtherValues(String value) {
            rejects("USE_NEW_LOCKS must be true, false or dual", "USE_NEW_LOCKS", value);
            rejects("but was '" + value + "'", "USE_NEW_LOCKS", value);
        }

        @Test
        void rejectsEmptyValue() {
            rejects("USE_NEW_LOCKS is set but empty", "USE_NEW_LOCKS", " ");
            rejects("LOCK_BACKEND is set but empty", "LOCK_BACKEND", "");
        }
    }

    @Nested
    class LockBackend {
        @Test
        void acceptsTheNameOfAnyInstalledBackend() {
            EnvSettings s = parse("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "Remote", "REMOTE_URL", "tcp://h");
            assertThat(s.backendNames()).containsExactly("remote");
            assertThat(s.summary()).isEqualTo("USE_NEW_LOCKS=true, backend remote, LOCK_BACKEND=remote,"
                    + " REMOTE_URL=tcp://h");
        }

        @Test
        void unknownName_listsTheInstalledBackends_andNamesTheArtifactOfAKnownOne() {
            rejects("LOCK_BACKEND must be the name of a lock backend on the class path: local, remote"
                    + " (lock backend 'zookeeper' is not on the class path (backends found: file, local, remote)),"
                    + " but was 'zookeeper'", "USE_NEW_LOCKS", "true", "LOCK_BACKEND", "zookeeper");
            rejects("add the dependency io.holdfast:lock-redis", "LOCK_BACKEND", "redis");
        }

        @Test
        void legacyBackend_isNotANewBackend() {
            rejects("LOCK_BACKEND must name the new backend, one of local, remote (file locks are what"
                    + " USE_NEW_LOCKS=false uses)", "USE_NEW_LOCKS", "true", "LOCK_BACKEND", "file");
        }

        @ParameterizedTest
        @ValueSource(strings = {"true", "dual"})
        void newMode_withoutABackendChosen_stopsStartUp_listingTheChoices(String mode) {
            rejects("USE_NEW_LOCKS=" + mode + " needs a new backend, and none is chosen; set LOCK_BACKEND"
                    + " to one of: local (in-process locks, which do not coordinate processes or hosts),"
                    + " remote (chosen by default when REMOTE_URL is set)", "USE_NEW_LOCKS", mode);
            EnvSettings local = parse("USE_NEW_LOCKS", mode, "LOCK_BACKEND", "local");
            assertThat(local.backendNames()).endsWith("local");
            assertThat(local.summary()).contains("LOCK_BACKEND=local, in-process: does not coordinate processes");
        }

        @Test
        void aBackendsVariable_choosesIt_whenLockBackendIsNotSet() {
            EnvSettings s = parse("USE_NEW_LOCKS", "dual", "REMOTE_URL", "tcp://u:pw1@h");
            assertThat(s.backendNames()).containsExactly("file", "remote");
            assertThat(s.backendName()).isEqualTo("dual(file+remote)");
            assertThat(s.summary()).isEqualTo("USE_NEW_LOCKS=dual, backend dual(file+remote), LOCK_DIR=default,"
                    + " LOCK_BACKEND=remote (default: REMOTE_URL is set), REMOTE_URL=tcp://u:****@h");
        }

        @Test
        void variableOfAKnownBackendNotInstalled_namesTheArtifact_andIsUnusedInLegacyMode() {
            assertThatThrownBy(() -> parse("USE_NEW_LOCKS", "true", "REDIS_URL", "redis://u:pw1@h"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("REDIS_URL is set, which chooses the redis backend, but lock backend 'redis' is"
                            + " not on the class path; add the dependency io.holdfast:lock-redis (backends found:"
                            + " file, local, remote)");
            assertThat(parse("REDIS_URL", "redis://h").unused()).containsExactly("REDIS_URL");
        }

        @Test
        void chosenBackend_requiresWhatItNeeds() {
            rejects("the remote backend needs REMOTE_URL", "USE_NEW_LOCKS", "true", "LOCK_BACKEND", "remote");
        }

        @Test
        void variablesOfABackendNotChosen_areRejected() {
            rejects("REMOTE_URL only applies to the remote backend, but LOCK_BACKEND=local; set"
                    + " LOCK_BACKEND=remote to use it, or unset REMOTE_URL",
                    "USE_NEW_LOCKS", "true", "LOCK_BACKEND", "local", "REMOTE_URL", "tcp://h");
        }

        @Test
        void legacyMode_variablesOfABackendNotChosen_sayTheModeUsesTheLegacyBackend() {
            assertThatThrownBy(() -> parse("USE_NEW_LOCKS", "false", "REMOTE_LEASE", "30s"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("REMOTE_LEASE only applies to the remote backend, which is not chosen"
                            + " (USE_NEW_LOCKS=false uses file locks; the remote backend takes over with"
                            + " USE_NEW_LOCKS=dual or true); choose it (chosen by default when REMOTE_URL"
                            + " is set), or unset REMOTE_LEASE");
        }

        @Test
        void legacyMode_validatesButReportsNewBackendVariablesUnused() {
            EnvSettings s = parse("REMOTE_URL", "tcp://u:pw1@h", "LOCK_BACKEND", "remote", "REMOTE_LEASE", "10s");
            assertThat(s.backendName()).isEqualTo("file");
            assertThat(s.unused()).containsExactlyInAnyOrder("REMOTE_URL", "LOCK_BACKEND", "REMOTE_LEASE");
            assertThat(s.summary()).contains("set but not used while USE_NEW_LOCKS=false")
                    .doesNotContain("pw1");
            rejects("REMOTE_LEASE must be a positive duration", "REMOTE_URL", "tcp://h", "REMOTE_LEASE", "soon");
            rejects("REMOTE_URL must start with tcp://", "REMOTE_URL", "http://h");
        }

        @Test
        void trueMode_validatesButReportsLegacyVariablesUnused() {
            assertThat(parse("USE_NEW_LOCKS", "1", "LOCK_BACKEND", "local", "LOCK_DIR", "/tmp/x").unused())
                    .containsExactly("LOCK_DIR");
        }
    }
}
