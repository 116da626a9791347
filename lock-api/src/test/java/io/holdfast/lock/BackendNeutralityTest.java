package io.holdfast.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * lock-api is the API and the SPI, nothing backend-specific: its code (comments aside) names no
 * Redis or Lettuce type, no backend's variable and no lock directory. Each backend parses and
 * validates its own variables behind {@code LockBackendProvider}; the backend names lock-api
 * knows are data (the fat-jar fallback list) and the legacy backend's name, {@code file}.
 */
class BackendNeutralityTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern BACKEND_SPECIFIC = Pattern.compile(
            "(?i)redis|lettuce|sentinel|\\bLOCK_DIR\\b|lockDir|LOCK_NAMESPACE|LOCK_LEASE|LOCK_REPLICA"
            + "|io\\.holdfast\\.lock\\.(local|redis)");

    @Test
    void mainCode_namesNoBackendSpecificTypeOrVariable() throws IOException {
        assertThat(SOURCES).isDirectory();
        List<String> offences;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            // module-info names holdfast's modules in its qualified exports: names, not types
            offences = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.endsWith("module-info.java")).flatMap(f -> {
                String code = withoutComments(read(f));
                return code.lines().filter(l -> BACKEND_SPECIFIC.matcher(l).find())
                        .map(l -> SOURCES.relativize(f) + ": " + l.trim());
            }).toList();
        }
        assertThat(offences).isEmpty();
    }

    @Test
    void theCheck_findsABackendNameInCode() {
        assertThat(BACKEND_SPECIFIC.matcher(withoutComments(
                "/** redis in a comment */ String s = \"REDIS_URL\";")).find()).isTrue();
        assertThat(BACKEND_SPECIFIC.matcher(withoutComments("/** redis */ int x; // lettuce")).find()).isFalse();
    }

    /** Drops block and line comments (a {@code //} inside a string hides only the rest of its line). */
    private static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
