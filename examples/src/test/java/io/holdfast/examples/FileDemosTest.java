package io.holdfast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The config-editor and port-reservation demos in short runs, judged by their own checks. */
class FileDemosTest {

    @TempDir
    Path dir;

    private Map<String, String> fileEnv() {
        return Map.of("LOCK_DIR", dir.resolve("locks").toString());
    }

    private static final Map<String, String> IN_PROCESS_ONLY =
            Map.of("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "local");

    @Test
    void configEditor_underFileLock_losesNoLine_andKeepsComments() throws Exception {
        int exit = new CommandLine(new ConfigEditorDemo(fileEnv())).execute(
                "--duration", "2s", "--think", "100ms", "--dir", dir.resolve("cfg").toString());

        assertThat(exit).isZero();
        String config = Files.readString(dir.resolve("cfg/config.csv"));
        assertThat(config).startsWith("# inverter settings").contains("\n# key,value\n\n")
                .contains("_note_1,1\n");
        assertThat(Files.readString(dir.resolve("cfg/state.csv"))).startsWith("cycle,1,");
        assertThat(Files.readString(dir.resolve("cfg/logs.csv"))).startsWith("log,1\n");
    }

    @Test
    void configEditor_withLocksThatDoNotSpanProcesses_isCaughtWritingDuringAnEdit() {
        int exit = new CommandLine(new ConfigEditorDemo(IN_PROCESS_ONLY)).execute(
                "--duration", "3s", "--think", "150ms", "--dir", dir.resolve("cfg").toString());

        assertThat(exit).isEqualTo(1);
    }

    @Test
    void portReservation_threadsAndProcesses_neverReserveAPortTwice() throws Exception {
        Path table = dir.resolve("ports.csv");
        int exit = new CommandLine(new PortReservationDemo(fileEnv())).execute(
                "--reservers", "6", "--processes", "2", "--rounds", "4", "--table", table.toString());

        assertThat(exit).isZero();
        assertThat(Files.readAllLines(table).stream().filter(l -> !l.startsWith("#")))
                .hasSize(2 * 6 * 4).doesNotHaveDuplicates();
    }

    @Test
    void portReservation_withLocksThatDoNotSpanProcesses_isCaughtDoubleBooking() {
        int exit = new CommandLine(new PortReservationDemo(IN_PROCESS_ONLY)).execute(
                "--reservers", "8", "--processes", "3", "--rounds", "15",
                "--table", dir.resolve("ports.csv").toString());

        assertThat(exit).isEqualTo(1);
    }
}
