package io.holdfast.lock.redis.internal;

import io.holdfast.lock.internal.Secrets;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one grammar of Redis URLs in holdfast, for {@code REDIS_URL} and
 * {@code RedisLockSettings.Builder.uri/cluster} alike: checked here before Lettuce sees them, so
 * that a bad URL stops start-up with a message that names the setting, shows the value with its
 * password masked and lists the accepted forms; then parsed by Lettuce's {@link RedisURI}.
 */
public final class RedisUrls {

    /** The accepted forms, for messages and documentation. */
    public static final String ACCEPTED = "redis://[user:password@]host[:port][/db],"
            + " rediss://... (TLS), redis-sentinel://[password@]host[:port][,host[:port]...][/db]#master"
            + " (rediss-sentinel:// for TLS), redis-socket:///path/to/socket,"
            + " or comma-separated Cluster seeds redis://host:port,redis://host:port";

    /** How the Redis deployment is reached. */
    public enum Topology {
        /** One server (or a primary reached directly): redis://, rediss:// or redis-socket://. */
        STANDALONE,
        /** A primary found through Sentinels: {@code redis-sentinel://}. */
        SENTINEL,
        /** A Redis Cluster, found through a comma-separated list of seed URLs. */
        CLUSTER
    }

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.%a-zA-Z]+\\]");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");

    /**
     * A validated URL: its topology and the Lettuce URIs (one, or one per Cluster seed).
     * {@link #toString()} masks passwords; {@link #uris()} hold them, so never log those.
     *
     * @param masked the text as given, passwords masked
     */
    public record Parsed(Topology topology, List<RedisURI> uris, String masked) {
        /** Copies the list. */
        public Parsed {
            uris = List.copyOf(uris);
        }

        /** The URL with passwords masked, and the topology. */
        @Override
        public String toString() {
            return masked + " (" + topology.name().toLowerCase(Locale.ROOT) + ")";
        }
    }

    private RedisUrls() {}

    /**
     * Validates and parses {@code text}: one URL, or comma-separated Cluster seeds.
     *
     * @param variable the setting's name, for messages (such as {@code REDIS_URL})
     * @throws IllegalArgumentException naming {@code variable}, the masked value and what is wrong
     */
    public static Parsed parse(String variable, String text) {
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("redis-sentinel://") || lower.startsWith("rediss-sentinel://")) {
            sentinel(variable, text, t);
            return parsed(variable, text, Topology.SENTINEL, List.of(t));
        }
        if (lower.startsWith("redis-socket://")) {
            socket(variable, text, t);
            return parsed(variable, text, Topology.STANDALONE, List.of(t));
        }
        if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
            throw invalid(variable, text, "it must start with redis://, rediss://, redis-sentinel://,"
                    + " rediss-sentinel:// or redis-socket://");
        }
        if (!t.contains(",")) {
            single(variable, text, t, false);
            return parsed(variable, text, Topology.STANDALONE, List.of(t));
        }
        List<String> seeds = new ArrayList<>();
        String scheme = null;
        for (String part : t.split(",", -1)) {
            String seed = part.trim();
            if (seed.isEmpty()) {
                throw invalid(variable, text, "a Cluster seed list must not have empty entries");
            }
            String seedScheme = seed.substring(0, Math.max(0, seed.indexOf("://"))).toLowerCase(Locale.ROOT);
            if (!seedScheme.equals("redis") && !seedScheme.equals("rediss")) {
                throw invalid(variable, text, "every Cluster seed must start with redis:// or"
                        + " rediss://, but seed " + (seeds.size() + 1) + " does not");
            }
            if (scheme != null && !scheme.equals(seedScheme)) {
                throw invalid(variable, text, "Cluster seeds must all use TLS (rediss://) or all"
                        + " not (redis://), but they are mixed");
            }
            scheme = seedScheme;
            single(variable, text, seed, true);
            seeds.add(seed);
        }
        return parsed(variable, text, Topology.CLUSTER, seeds);
    }

    /**
     * One URL of a server or of Sentinels, not a Cluster seed list: for settings that take one.
     *
     * @throws IllegalArgumentException naming {@code variable} if it is invalid or a list
     */
    public static RedisURI parseOne(String variable, String text) {
        Parsed p = parse(variable, text);
        if (p.topology() == Topology.CLUSTER) {
            throw invalid(variable, text, "it is a list of Cluster seeds, where one URL is expected"
                    + " (give Cluster seeds as a list)");
        }
        return p.uris().get(0);
    }

    /** Lettuce's parse of checked URLs; its message may quote a password, so it is masked. */
    private static Parsed parsed(String variable, String text, Topology topology, List<String> urls) {
        List<RedisURI> uris = new ArrayList<>();
        for (String url : urls) {
            try {
                uris.add(RedisURI.create(url));
            } catch (RuntimeException e) {
                throw invalid(variable, text, "Lettuce cannot parse it ("
                        + Secrets.maskUrl(String.valueOf(e.getMessage())) + ")");
            }
        }
        return new Parsed(topology, uris, Secrets.maskUrl(String.join(",", urls)));
    }

    private static void socket(String variable, String text, String url) {
        Parts p = split(url);
        if (!p.hosts.isEmpty() || p.path == null || p.path.length() < 2) {
            throw invalid(variable, text, "a redis-socket:// URL names the socket file's path, as in"
                    + " redis-socket:///run/redis/redis.sock");
        }
    }

    private static void single(String variable, String text, String url, boolean clusterSeed) {
        Parts p = split(url);
        hostAndPort(variable, text, p.hosts);
        if (p.fragment != null) {
            throw invalid(variable, text, "a '#' fragment names a Sentinel master and is only"
                    + " allowed in redis-sentinel:// URLs");
        }
        int db = database(variable, text, p.path);
        if (clusterSeed && db != 0) {
            throw invalid(variable, text, "Redis Cluster has only database 0, but a seed names"
                    + " database " + db);
        }
    }

    private static void sentinel(String variable, String text, String url) {
        Parts p = split(url);
        for (String host : p.hosts.split(",", -1)) {
            hostAndPort(variable, text, host.trim());
        }
        database(variable, text, p.path);
        boolean masterInQuery = p.query != null
                && p.query.toLowerCase(Locale.ROOT).matches("(.*[&;])?sentinelmasterid=[^&;]+.*");
        if ((p.fragment == null || p.fragment.isBlank()) && !masterInQuery) {
            throw invalid(variable, text, "a redis-sentinel:// URL must name the master, as in"
                    + " redis-sentinel://host:26379#mymaster");
        }
    }

    private static void hostAndPort(String variable, String text, String hostPort) {
        String host = hostPort;
        String port = null;
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            host = end < 0 ? hostPort : hostPort.substring(0, end + 1);
            String rest = end < 0 ? "" : hostPort.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid(variable, text, "an IPv6 address must be followed by :port");
                }
                port = rest.substring(1);
            }
            if (!IPV6.matcher(host).matches()) {
                throw invalid(variable, text, "the IPv6 host is malformed");
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0) {
                host = hostPort.substring(0, colon);
                port = hostPort.substring(colon + 1);
            }
            if (host.isEmpty()) {
                throw invalid(variable, text, "the host is missing");
            }
            if (!HOST.matcher(host).matches()) {
                throw invalid(variable, text, "the host may only contain letters, digits, '.', '-'"
                        + " and '_'");
            }
        }
        if (port != null) {
            int n = DIGITS.matcher(port).matches() ? Integer.parseInt(port) : -1;
            if (n < 1 || n > 65_535) {
                throw invalid(variable, text, "the port must be a number from 1 to 65535");
            }
        }
    }

    private static int database(String variable, String text, String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        String db = path.substring(1);
        if (!DIGITS.matcher(db).matches()) {
            throw invalid(variable, text, "the path may only be a database number such as /0");
        }
        return Integer.parseInt(db);
    }

    /** Splits scheme://userinfo@hosts/path?query#fragment; userinfo ends at the last '@'. */
    private static Parts split(String url) {
        String rest = url.substring(url.indexOf("://") + 3);
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            rest = rest.substring(at + 1);
        }
        String fragment = null;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            fragment = rest.substring(hash + 1);
            rest = rest.substring(0, hash);
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String path = slash >= 0 ? rest.substring(slash) : null;
        String hosts = slash >= 0 ? rest.substring(0, slash) : rest;
        return new Parts(hosts, path, query, fragment);
    }

    private static IllegalArgumentException invalid(String variable, String text, String problem) {
        return new IllegalArgumentException(variable + " is not a valid Redis URL: " + problem
                + "; it was '" + Secrets.maskUrl(text) + "', and accepted forms are " + ACCEPTED);
    }

    private record Parts(String hosts, String path, String query, String fragment) {}
}
