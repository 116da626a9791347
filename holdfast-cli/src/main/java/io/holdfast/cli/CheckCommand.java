package io.holdfast.cli;

import io.holdfast.lock.internal.env.EnvSettings;
import io.holdfast.lock.spi.LockAdmin;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code holdfast check [--connect]}: the environment as a service resolves it. */
@Command(name = "check", description = {
        "Resolve the variables exactly as a service would and print the backend, mode and every"
                + " effective setting (passwords masked). Invalid variables exit 3, naming the variable.",
        "--connect also connects, runs the start-up checks (permissions) and reports round trip,"
                + " server version, role, replicas, eviction policy and persistence."})
final class CheckCommand extends BaseCommand {

    @Option(names = "--connect", description = "connect and run the start-up checks")
    boolean connect;

    @Override
    int run(Targets targets) {
        EnvSettings s = targets.settings();
        List<Map<String, Object>> backends = new ArrayList<>();
        int warnings = 0;
        for (LockAdmin admin : targets.admins()) {
            Map<String, Object> b = Json.object();
            b.put("backend", admin.backend());
            b.put("location", admin.location());
            b.put("settings", admin.settings());
            if (connect) {
                List<LockAdmin.Finding> findings = admin.probe();
                warnings += (int) findings.stream().filter(f -> f.warning().isPresent()).count();
                b.put("findings", findings.stream().map(Views::finding).toList());
            }
            backends.add(b);
        }
        for (String name : targets.without()) {
            Map<String, Object> b = Json.object();
            b.put("backend", name);
            b.put("location", "in-process: locks and flags live inside each service; nothing to"
                    + " connect to");
            backends.add(b);
        }
        if (json()) {
            Map<String, Object> m = Json.object();
            m.put("valid", true);
            m.put("mode", s.mode().value());
            m.put("backend", s.backendName());
            m.put("summary", s.summary());
            m.put("unused", s.unused());
            m.put("backends", backends);
            m.put("warnings", warnings);
            m.put("settingWarnings", s.warnings());
            out().println(Json.pretty(m));
            return ExitCodes.OK;
        }
        PrintWriter out = out();
        out.println("valid: " + s.summary());
        s.warnings().forEach(w -> out.println("WARNING: " + w));
        for (Map<String, Object> b : backends) {
            out.println();
            out.println(b.get("backend") + ": " + b.get("location"));
            @SuppressWarnings("unchecked")
            Map<String, String> settings = (Map<String, String>) b.get("settings");
            if (settings != null) {
                settings.forEach((k, v) -> out.printf("  %-22s %s%n", k, v));
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> findings = (List<Map<String, Object>>) b.get("findings");
            if (findings != null) {
                for (Map<String, Object> f : findings) {
                    out.printf("  %-22s %s%n", f.get("name"), f.get("value"));
                    if (f.get("warning") != null) {
                        out.println("    WARNING: " + f.get("warning"));
                    }
                }
            }
        }
        if (connect) {
            out.println();
            out.println(warnings == 0 ? "connected: no warnings" : "connected: " + warnings
                    + " warning(s)");
        }
        return ExitCodes.OK;
    }
}
