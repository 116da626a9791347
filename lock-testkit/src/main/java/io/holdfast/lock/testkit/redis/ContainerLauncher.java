package io.holdfast.lock.testkit.redis;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs each redis-server in its own {@code redis:7} container (image overridable with
 * {@code holdfast.testkit.redis.image}) on the host network, with the node's directory mounted at the
 * same path: configs, ports, logs and data are exactly those of a local process, so Sentinel and
 * Cluster addresses stay valid. Host networking needs a Linux Docker engine. Testcontainers' reaper
 * removes the containers if the JVM dies.
 */
final class ContainerLauncher implements Launcher {

    private static final String IMAGE = System.getProperty("holdfast.testkit.redis.image", "redis:7");

    /** Fails with NoClassDefFoundError when Testcontainers is absent: callers catch it. */
    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Override
    public Server launch(Path dir, Path config, boolean sentinel, Path output) {
        List<String> command = new ArrayList<>(List.of("redis-server", config.toString()));
        if (sentinel) {
            command.add("--sentinel");
        }
        String user = owner(dir);
        @SuppressWarnings("resource") // closed by ContainerServer.kill, or by the Testcontainers reaper
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetworkMode("host")
                .withFileSystemBind(dir.toString(), dir.toString(), BindMode.READ_WRITE)
                .withWorkingDirectory(dir.toString())
                .withCreateContainerCmdModifier(cmd -> cmd.withUser(user))
                .withLogConsumer(frame -> append(output, frame.getUtf8String()))
                .withCommand(command.toArray(String[]::new));
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw new IllegalStateException("container " + IMAGE + " " + command + " failed to start: "
                    + e.getMessage(), e);
        }
        return new ContainerServer(container);
    }

    @Override
    public String cli(Server via, List<String> args, long timeoutSeconds) {
        if (Redis.isInstalled()) {
            return new LocalLauncher().cli(via, args, timeoutSeconds);
        }
        List<String> command = new ArrayList<>(List.of("redis-cli"));
        command.addAll(args);
        try {
            Container.ExecResult result = ((ContainerServer) via).container.execInContainer(
                    command.toArray(String[]::new));
            String text = (result.getStdout() + result.getStderr()).strip();
            if (result.getExitCode() != 0) {
                throw new IllegalStateException(command + " exited with " + result.getExitCode() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command + " in a container", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /** The uid:gid owning {@code dir}, so the server can write its mounted files. */
    private static String owner(Path dir) {
        try {
            return Files.getAttribute(dir, "unix:uid") + ":" + Files.getAttribute(dir, "unix:gid");
        } catch (IOException | UnsupportedOperationException e) {
            return "0:0";
        }
    }

    private static void append(Path output, String text) {
        try {
            Files.writeString(output, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A container; pause/resume use the cgroup freezer, which clients experience like SIGSTOP. */
    private static final class ContainerServer implements Server {
        private final GenericContainer<?> container;
        private final String id;
        private volatile String exitStatus = "still running";

        ContainerServer(GenericContainer<?> container) {
            this.container = container;
            this.id = container.getContainerId();
        }

        private InspectContainerResponse.ContainerState state() {
            return container.getDockerClient().inspectContainerCmd(id).exec().getState();
        }

        @Override
        public long pid() {
            Long pid = state().getPidLong();
            return pid == null ? -1 : pid;
        }

        @Override
        public boolean isAlive() {
            try {
                return Boolean.TRUE.equals(state().getRunning());
            } catch (RuntimeException e) {
                return false; // removed
            }
        }

        @Override
        public void kill() {
            if (isAlive()) {
                try {
                    container.getDockerClient().killContainerCmd(id).withSignal("KILL").exec();
                } catch (RuntimeException e) {
                    // exited meanwhile
                }
            }
            remove();
        }

        private void remove() {
            try {
                Long code = state().getExitCodeLong();
                exitStatus = "exit code " + code;
            } catch (RuntimeException e) {
                // already removed
            }
            container.stop();
        }

        @Override
        public void pause() {
            container.getDockerClient().pauseContainerCmd(id).exec();
        }

        @Override
        public void resume() {
            if (Boolean.TRUE.equals(state().getPaused())) {
                container.getDockerClient().unpauseContainerCmd(id).exec();
            }
        }

        @Override
        public boolean awaitExit(long seconds) {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (isAlive()) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for container " + id, e);
                }
            }
            remove();
            return true;
        }

        @Override
        public String exitStatus() {
            return exitStatus;
        }
    }
}
