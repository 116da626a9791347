package io.holdfast.lock.local.admin;

import io.holdfast.lock.spi.InstanceInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Describes a process of this host as an {@link InstanceInfo}, from what the OS tells about it
 * (start time, command line): file-backend managers register nowhere, but their lock records
 * and flag files carry their pid.
 */
final class Processes {

    /** Options of the java launcher that take a value. */
    private static final Set<String> WITH_VALUE = Set.of("-cp", "-classpath", "--class-path",
            "-p", "--module-path", "--add-modules", "--add-opens", "--add-exports");

    private Processes() {}

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** The process {@code pid} of this host, described for the owner {@code ownerId}. */
    static InstanceInfo describe(String ownerId, long pid, String role) {
        Optional<ProcessHandle.Info> info = ProcessHandle.of(pid).map(ProcessHandle::info);
        return new InstanceInfo(ownerId, hostName(), OptionalLong.of(pid),
                info.flatMap(ProcessHandle.Info::startInstant), "unknown", "file",
                info.flatMap(ProcessHandle.Info::arguments).map(a -> app(List.of(a))).orElse(""),
                role, Optional.empty());
    }

    /** True if {@code pid} is a live process of this host. */
    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The main class's simple name or the jar's file name in a java command line. */
    static String app(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-jar") && i + 1 < args.size()) {
                String jar = args.get(i + 1);
                return jar.substring(Math.max(jar.lastIndexOf('/'), jar.lastIndexOf('\\')) + 1);
            }
            if (WITH_VALUE.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                return a.substring(a.lastIndexOf('.') + 1);
            }
        }
        return "";
    }
}
