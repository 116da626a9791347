package io.holdfast.cli;

import static io.holdfast.cli.Cli.list;
import static io.holdfast.cli.Cli.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Variables and options are resolved as a service resolves them; mistakes name the variable. */
class ConfigCliTest {

    private static final String PASSWORD = "s3cr3t-Pa55";

    @TempDir
    Path dir;

    @Test
    void invalidVariable_exitsThree_namingIt() {
        Cli.Result lease = Cli.run(Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", "redis://127.0.0.1:1",
                "LOCK_LEASE", "soon"), "check");
        assertThat(lease.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(lease.err()).contains("LOCK_LEASE").contains("'soon'");

        Cli.Result mode = Cli.run(Map.of("USE_NEW_LOCKS", "maybe"), "locks");
        assertThat(mode.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(mode.err()).contains("USE_NEW_LOCKS");

        Cli.Result contradiction = Cli.run(Map.of("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "redis"), "check");
        assertThat(contradiction.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(contradiction.err()).contains("REDIS_URL");
    }

    @Test
    void invalidOption_isNamedWithItsVariable() {
        Cli.Result r = Cli.run(Map.of(), "locks", "--use-new-locks", "true", "--redis-url",
                "redis://127.0.0.1:1", "--lease", "soon");
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).contains("LOCK_LEASE").contains("--lease");
    }

    @Test
    void passwords_areMasked_inChecksAndErrors() {
        String url = "redis://app:" + PASSWORD + "@127.0.0.1:1";
        Cli.Result check = Cli.run(Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", url), "check");
        assertThat(check.code()).as("%s", check).isZero();
        assertThat(check.out()).contains("redis://app:****@127.0.0.1:1").doesNotContain(PASSWORD);

        Cli.Result json = Cli.run(Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", url), "check", "--json");
        assertThat(json.out()).doesNotContain(PASSWORD);
        assertThat(map(list(json.json(), "backends").get(0), "settings")).isNotEmpty();

        Cli.Result down = Cli.run(Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", url), "locks");
        assertThat(down.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(down.err()).contains("connection refused").doesNotContain(PASSWORD);

        Cli.Result invalid = Cli.run(Map.of("USE_NEW_LOCKS", "true", "REDIS_URL",
                "http://app:" + PASSWORD + "@host"), "check");
        assertThat(invalid.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(invalid.err()).contains("REDIS_URL").doesNotContain(PASSWORD);

        Cli.Result badArg = Cli.run(Map.of(), "locks", "extra", "redis://u:" + PASSWORD + "@h");
        assertThat(badArg.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badArg.err()).doesNotContain(PASSWORD);
    }

    @Test
    void optionsWork_beforeOrAfterTheCommand() {
        assertThat(Cli.run(Map.of(), "--lock-dir", dir.toString(), "locks").out()).contains(dir.toString());
        assertThat(Cli.run(Map.of(), "locks", "--lock-dir", dir.toString()).out()).contains(dir.toString());
        assertThat(Cli.run(Map.of("LOCK_DIR", "/elsewhere"), "check", "--lock-dir", dir.toString()).out())
                .contains("LOCK_DIR=" + dir);
    }

    @Test
    void localBackend_hasNothingToShow_butChecks() {
        Map<String, String> env = Map.of("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "local");
        assertThat(Cli.run(env, "check").code()).isZero();
        Cli.Result locks = Cli.run(env, "locks");
        assertThat(locks.code()).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(locks.err()).contains("inside each process");
    }

    @Test
    void unknownCommandOrOption_isAUsageError() {
        assertThat(Cli.run(Map.of(), "lock").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run(Map.of(), "locks", "--bogus").code()).isEqualTo(ExitCodes.USAGE);
    }
}
