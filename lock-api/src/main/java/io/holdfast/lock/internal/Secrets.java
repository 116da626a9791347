package io.holdfast.lock.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps passwords out of logs and messages. {@link #maskUrl} is the one masking function for
 * connection strings; {@link #scrub} removes known secrets from text that came from elsewhere
 * (a driver's exception message).
 */
public final class Secrets {

    /** What a secret is replaced with. */
    public static final String MASK = "****";

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");
    private static final Pattern QUERY_PASSWORD =
            Pattern.compile("(?i)([?&;](?:password|pass|pwd)=)([^&#]*)");

    private Secrets() {}

    /**
     * Masks the passwords in a URL or a comma-separated list of URLs:
     * {@code redis://user:pw@host} becomes {@code redis://user:****@host},
     * {@code redis://pw@host} becomes {@code redis://****@host}, and {@code ?password=pw} (or {@code pass=},
     * {@code pwd=}) becomes {@code ?password=****}. Everything before the last {@code @} of each URL counts as user
     * information, so a password containing {@code @} or {@code /} is masked whole. Text that is
     * not a URL is masked the same way, so a malformed value is safe to show.
     */
    public static String maskUrl(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (Segment s : segments(text)) {
            out.append(s.prefix);
            String body = s.body;
            int at = body.lastIndexOf('@');
            if (at > 0) {
                String userInfo = body.substring(0, at);
                int colon = userInfo.indexOf(':');
                body = (colon >= 0 ? userInfo.substring(0, colon + 1) : "") + MASK
                        + body.substring(at);
            }
            out.append(QUERY_PASSWORD.matcher(body).replaceAll("$1" + MASK));
        }
        return out.toString();
    }

    /**
     * The secrets in a URL or list of URLs, as written and URL-decoded: the passwords that
     * {@link #maskUrl} hides. For {@link #scrub}.
     */
    public static Set<String> passwords(String text) {
        Set<String> found = new LinkedHashSet<>();
        if (text == null) {
            return found;
        }
        for (Segment s : segments(text)) {
            int at = s.body.lastIndexOf('@');
            if (at > 0) {
                String userInfo = s.body.substring(0, at);
                int colon = userInfo.indexOf(':');
                add(found, colon >= 0 ? userInfo.substring(colon + 1) : userInfo);
            }
            Matcher m = QUERY_PASSWORD.matcher(s.body);
            while (m.find()) {
                add(found, m.group(2));
            }
        }
        return found;
    }

    /** Replaces every occurrence of each secret in {@code text} with {@link #MASK}. */
    public static String scrub(String text, Set<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        return out;
    }

    /** True if {@code text} contains one of the secrets. */
    public static boolean reveals(String text, Set<String> secrets) {
        return text != null && secrets.stream().anyMatch(text::contains);
    }

    private static void add(Set<String> found, String secret) {
        if (secret.isEmpty()) {
            return;
        }
        found.add(secret);
        try {
            found.add(URLDecoder.decode(secret, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformedEscape) {
            // the raw form is already recorded
        }
    }

    /** Splits text at each scheme, so that each URL of a list is masked on its own. */
    private static Iterable<Segment> segments(String text) {
        List<Segment> out = new ArrayList<>();
        Matcher m = SCHEME.matcher(text);
        int start = 0;
        String prefix = "";
        while (m.find()) {
            if (m.start() > start || !prefix.isEmpty()) {
                out.add(new Segment(prefix, text.substring(start, m.start())));
            }
            prefix = m.group();
            start = m.end();
        }
        out.add(new Segment(prefix, text.substring(start)));
        return out;
    }

    private record Segment(String prefix, String body) {}
}
