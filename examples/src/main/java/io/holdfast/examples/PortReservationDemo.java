package io.holdfast.examples;

import io.holdfast.examples.support.ChildJvm;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockService;
import io.holdfast.lock.local.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Concurrent reservers (threads, and with {@code --processes} separate JVMs) each check which port
 * is free in a shared table and then reserve it: the check-then-act race of seed 004, fixed by
 * doing both under one lock. The table also keeps the highest fencing token it has seen in its
 * header and refuses a reservation that carries a smaller one. Exit code 0 when no port was
 * reserved twice and every reservation was made.
 */
@Command(name = "port-reservation-demo", mixinStandardHelpOptions = true,
        description = "Concurrent reservers check-then-reserve ports in a shared table under one lock.")
public final class PortReservationDemo implements Callable<Integer> {

    static final String RESULT = "RESERVED ";
    private static final String FENCE_HEADER = "# fence ";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Option(names = "--reservers", description = "reserver threads per process (default ${DEFAULT-VALUE})")
    int reservers = 12;

    @Option(names = "--processes", description = "processes, this one included (default ${DEFAULT-VALUE})")
    int processes = 2;

    @Option(names = "--rounds", description = "ports each reserver reserves (default ${DEFAULT-VALUE})")
    int rounds = 5;

    @Option(names = "--first-port", description = "first port of the range (default ${DEFAULT-VALUE})")
    int firstPort = 20000;

    @Option(names = "--table", description = "the port table file (default: ports.csv in a new temp dir)")
    Path table;

    @Option(names = "--child", hidden = true)
    boolean child;

    private final Map<String, String> env;
    private final AtomicLong staleRefused = new AtomicLong();

    /** A demo that reads its backend from this process's environment. */
    public PortReservationDemo() {
        this(System.getenv());
    }

    PortReservationDemo(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Runs the demo; see {@code --help}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new PortReservationDemo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (table == null) {
            table = Files.createTempDirectory("holdfast-ports-").resolve("ports.csv");
        }
        try (LockService service = LockService.fromEnvironment(env)) {
            List<Process> children = new ArrayList<>();
            for (int i = 1; !child && i < processes; i++) {
                children.add(ChildJvm.start(PortReservationDemo.class, List.of("--child",
                        "--reservers", String.valueOf(reservers), "--rounds", String.valueOf(rounds),
                        "--first-port", String.valueOf(firstPort), "--table", table.toString()), env));
            }
            long made = reserveAll(service.locks());
            if (child) {
                System.out.println(RESULT + made + " " + staleRefused.get());
                return 0;
            }
            long refused = staleRefused.get();
            for (Process p : children) {
                String[] parts = ChildJvm.awaitLine(p, RESULT).substring(RESULT.length()).split(" ");
                made += Long.parseLong(parts[0]);
                refused += Long.parseLong(parts[1]);
            }
            return verify(service.backend(), made, refused);
        }
    }

    private long reserveAll(LockManager locks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(reservers);
        try {
            String owner = "pid" + ProcessHandle.current().pid();
            List<Future<Integer>> results = new ArrayList<>();
            for (int r = 0; r < reservers; r++) {
                String who = owner + "-r" + r;
                results.add(pool.submit(() -> {
                    int made = 0;
                    for (int i = 0; i < rounds; i++) {
                        made += reserve(locks, who) ? 1 : 0;
                    }
                    return made;
                }));
            }
            long made = 0;
            for (Future<Integer> f : results) {
                made += f.get();
            }
            return made;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Check which port is free, then reserve it: both under the table's one lock. */
    private boolean reserve(LockManager locks, String owner) throws InterruptedException {
        String lock = AtomicFiles.lockResource(table);
        return locks.withLock(lock, WAIT, lease -> {
            long token = lease.fencingToken();
            String[] reserved = new String[1];
            AtomicFiles.update(table, locks, WAIT, content -> {
                PortTable t = PortTable.parse(content);
                if (token < t.fence) {
                    staleRefused.incrementAndGet();
                    return content;
                }
                int port = t.firstFree(firstPort);
                LockSupport.parkNanos(500_000); // probing the port widens the check-then-act window
                reserved[0] = String.valueOf(port);
                return t.with(port, owner, token);
            });
            return reserved[0] != null;
        });
    }

    private int verify(String backend, long made, long refused) throws Exception {
        PortTable t = PortTable.parse(Files.readString(table));
        Set<Integer> unique = new HashSet<>(t.ports);
        long expected = (long) processes * reservers * rounds;
        boolean ok = unique.size() == t.ports.size() && t.ports.size() == made && made == expected;
        System.out.printf("holdfast PortReservationDemo: backend %s, %d process(es) x %d reservers x %d rounds%n",
                backend, processes, reservers, rounds);
        System.out.printf("  reservations made       %d of %d%n", made, expected);
        System.out.printf("  ports in table          %d (distinct: %d)%n", t.ports.size(), unique.size());
        System.out.printf("  stale tokens refused    %d%n", refused);
        System.out.printf("  table                   %s%n", table);
        System.out.println(ok ? "  result: OK, no port reserved twice" : "  result: FAILED");
        return ok ? 0 : 1;
    }

    /** The table: a fence header line, then {@code port,owner,token} lines. */
    private static final class PortTable {
        final long fence;
        final List<Integer> ports = new ArrayList<>();
        private final String body;

        private PortTable(String content) {
            long f = Long.MIN_VALUE;
            StringBuilder rest = new StringBuilder();
            for (String line : content.split("\n")) {
                if (line.startsWith(FENCE_HEADER)) {
                    f = Long.parseLong(line.substring(FENCE_HEADER.length()).trim());
                } else if (!line.isBlank()) {
                    ports.add(Integer.parseInt(line.substring(0, line.indexOf(','))));
                    rest.append(line).append('\n');
                }
            }
            fence = f;
            body = rest.toString();
        }

        static PortTable parse(String content) {
            return new PortTable(content);
        }

        int firstFree(int from) {
            Set<Integer> taken = new HashSet<>(ports);
            int p = from;
            while (taken.contains(p)) {
                p++;
            }
            return p;
        }

        String with(int port, String owner, long token) {
            return FENCE_HEADER + token + "\n" + body + port + "," + owner + "," + token + "\n";
        }
    }
}
