package io.holdfast.lock.testkit.redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the redis-server and redis-cli found on the PATH as child processes. */
final class LocalLauncher implements Launcher {

    @Override
    public Server launch(Path dir, Path config, boolean sentinel, Path output) {
        List<String> command = new ArrayList<>(List.of(Redis.SERVER, config.toString()));
        if (sentinel) {
            command.add("--sentinel");
        }
        return new ChildServer(Processes.start(command, dir, output));
    }

    @Override
    public String cli(Server via, List<String> args, long timeoutSeconds) {
        List<String> command = new ArrayList<>(List.of(Redis.CLI));
        command.addAll(args);
        return Processes.run(command, timeoutSeconds);
    }

    /** A child process; see {@link Processes} for how it is cleaned up. */
    private static final class ChildServer implements Server {
        private final Process process;

        ChildServer(Process process) {
            this.process = process;
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public void kill() {
            Processes.kill(process);
        }

        @Override
        public void pause() {
            Processes.signal(process.pid(), "STOP");
        }

        @Override
        public void resume() {
            Processes.signal(process.pid(), "CONT");
        }

        @Override
        public boolean awaitExit(long seconds) {
            return Processes.awaitExit(process, seconds);
        }

        @Override
        public String exitStatus() {
            return process.isAlive() ? "still running" : "exit code " + process.exitValue();
        }
    }
}
