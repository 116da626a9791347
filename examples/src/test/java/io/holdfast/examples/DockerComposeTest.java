package io.holdfast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.holdfast.lock.internal.env.EnvSettings;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * No Docker engine runs here, so the compose file is checked against the code instead: every
 * service can be built or pulled, its environment is what {@code LockService} accepts, its Redis
 * host is a service of the file, and its command is a valid InverterDemo command line.
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Set<String> VARIABLES = Set.of("USE_NEW_LOCKS",
            "LOCK_BACKEND", "REDIS_URL", "LOCK_DIR", "LOCK_NAMESPACE", "LOCK_LEASE", "LOCK_REPLICA_ACKS",
            "LOCK_REPLICA_TIMEOUT");

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(50);
        try (Reader r = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> doc = new Yaml(options).load(r);
            services = (Map<String, Map<String, Object>>) doc.get("services");
        }
    }

    @Test
    void everyService_hasAnImageOrABuildWhoseDockerfileExists() {
        assertThat(services).containsKeys("redis", "inverter-worker", "redis-primary", "redis-replica",
                "sentinel-1", "sentinel-2", "sentinel-3", "inverter-worker-sentinel");
        services.forEach((name, s) -> {
            if (s.containsKey("build")) {
                @SuppressWarnings("unchecked")
                Map<String, String> build = (Map<String, String>) s.get("build");
                assertThat(ROOT.resolve(build.get("context")).resolve(build.get("dockerfile")))
                        .as("Dockerfile of %s", name).isRegularFile();
            } else {
                assertThat(s.get("image")).as("image of %s", name).asString().startsWith("redis:7");
            }
        });
    }

    @Test
    void dependencies_nameServicesOfTheFile_inTheSameProfile() {
        services.forEach((name, s) -> dependencies(s).forEach(dep -> {
            assertThat(services).as("%s depends on %s", name, dep).containsKey(dep);
            if (!profiles(s).isEmpty() && !profiles(services.get(dep)).isEmpty()) { // no profile: always up
                assertThat(profiles(services.get(dep))).as("profile of %s's dependency %s", name, dep)
                        .containsAnyElementsOf(profiles(s));
            }
        }));
    }

    @Test
    void workerEnvironments_areAcceptedByLockService_andPointAtServicesOfTheFile() {
        List<String> workers = new ArrayList<>();
        services.forEach((name, s) -> {
            @SuppressWarnings("unchecked")
            Map<String, String> env = (Map<String, String>) s.get("environment");
            if (env == null) {
                return;
            }
            workers.add(name);
            assertThat(VARIABLES).as("variables of %s", name).containsAll(env.keySet());
            assertThatCode(() -> EnvSettings.parse(env)).as("environment of %s", name).doesNotThrowAnyException();
            for (String host : redisHosts(env.get("REDIS_URL"))) {
                assertThat(services).as("REDIS_URL host of %s", name).containsKey(host);
                assertThat(dependencies(s)).as("%s must wait for %s", name, host).contains(host);
            }
        });
        // the operator CLI reads the same variables as the workers
        assertThat(workers).containsExactlyInAnyOrder("inverter-worker", "inverter-worker-sentinel", "holdfast");
    }

    @Test
    @SuppressWarnings("unchecked")
    void workerCommands_areValidInverterDemoCommandLines() {
        for (String name : List.of("inverter-worker", "inverter-worker-sentinel")) {
            List<String> args = (List<String>) services.get(name).get("command");
            assertThatCode(() -> new CommandLine(new InverterDemo()).parseArgs(args.toArray(String[]::new)))
                    .as("command of %s", name).doesNotThrowAnyException();
        }
    }

    @SuppressWarnings("unchecked")
    private static Collection<String> dependencies(Map<String, Object> service) {
        Object deps = service.get("depends_on");
        if (deps == null) {
            return List.of();
        }
        return deps instanceof Map ? ((Map<String, Object>) deps).keySet() : (List<String>) deps;
    }

    @SuppressWarnings("unchecked")
    private static List<String> profiles(Map<String, Object> service) {
        return (List<String>) service.getOrDefault("profiles", List.of());
    }

    private static List<String> redisHosts(String url) {
        List<String> hosts = new ArrayList<>();
        String rest = url.substring(url.indexOf("://") + 3).replaceAll("#.*", "").replaceAll("/.*", "");
        for (String hostPort : rest.split(",")) {
            hosts.add(URI.create("redis://" + hostPort).getHost());
        }
        return hosts;
    }
}
