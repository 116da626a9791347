package io.holdfast.lock.local.admin;

import io.holdfast.lock.local.AtomicFiles;
import io.holdfast.lock.spi.AuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail of operator actions on a lock directory: {@code <dir>/.audit.log}, one record
 * per line (tab-separated, with tabs, newlines and backslashes escaped), keeping the last
 * {@value #MAX_RECORDS}. Appending rewrites the file atomically ({@link AtomicFiles#write}); the
 * caller serialises appends (under the flags guard: every audited file action is a flag change).
 */
final class FileAudit {

    /** Records kept. */
    static final int MAX_RECORDS = 1000;
    private static final int FIELDS = 8;

    private final Path file;

    FileAudit(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void append(AuditRecord r) throws IOException {
        List<String> lines = new ArrayList<>(lines());
        lines.add(String.join("\t", Long.toString(r.at().toEpochMilli()), escape(r.action()),
                escape(r.name()), escape(r.operator()), escape(r.reason()), escape(r.holder()),
                Long.toString(r.token()), Long.toString(r.nextToken())));
        List<String> kept = lines.subList(Math.max(0, lines.size() - MAX_RECORDS), lines.size());
        AtomicFiles.write(file, (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    List<AuditRecord> latest(int limit) throws IOException {
        List<AuditRecord> out = new ArrayList<>();
        for (String line : lines()) {
            String[] f = line.split("\t", -1);
            if (f.length != FIELDS) {
                continue;
            }
            try {
                out.add(new AuditRecord(Instant.ofEpochMilli(Long.parseLong(f[0])), unescape(f[1]),
                        unescape(f[2]), unescape(f[3]), unescape(f[4]), unescape(f[5]),
                        Long.parseLong(f[6]), Long.parseLong(f[7])));
            } catch (NumberFormatException e) {
                // a damaged line is skipped, not fatal
            }
        }
        return out.subList(Math.max(0, out.size() - limit), out.size());
    }

    private List<String> lines() throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isEmpty()).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
