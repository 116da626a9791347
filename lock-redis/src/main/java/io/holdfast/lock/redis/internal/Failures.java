package io.holdfast.lock.redis.internal;

import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.Secrets;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisReadOnlyException;
import io.lettuce.core.protocol.RedisProtocolException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Classifies Redis failures (transient or not) and explains them without secrets. */
public final class Failures {

    private static final String[] TRANSIENT_REPLIES =
            {"LOADING", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "READONLY", "BUSY", "UNBLOCKED"};

    /** Every command holdfast sends or its scripts run, for ACL rules. */
    static final String NEEDED_COMMANDS = "PING, EVALSHA, EVAL, SCRIPT LOAD, GET, SET, GETDEL, DEL,"
            + " EXISTS, PEXPIRE, PTTL, TIME, SCAN, ZADD, ZREM, ZRANGE, ZCARD, HSET, HGET, HDEL,"
            + " HGETALL, PUBLISH, SUBSCRIBE and WAIT";

    private Failures() {}

    /**
     * True when the server refused a command, key or channel to the ACL user: a NOPERM reply, or
     * (Redis 7.0) a script's "The user executing the script can't run this command".
     */
    public static boolean isPermissionDenied(Throwable failure) {
        for (Throwable t = unwrap(failure); t != null; t = t.getCause()) {
            if (isPermissionReply(String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPermissionReply(String upper) {
        return upper.startsWith("NOPERM") || upper.contains("NOPERM ")
                || upper.contains("USER EXECUTING THE SCRIPT CAN'T RUN");
    }

    /** The failure inside Lettuce's and the JDK's wrappers. */
    public static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * True for failures that may pass by themselves, so that a command is retried: connection
     * failures (refused, reset, closed, not connected: Lettuce's connection exceptions, any
     * {@link IOException} and a plain {@link RedisException}), a command or attempt timeout,
     * and the replies LOADING, TRYAGAIN, CLUSTERDOWN, MASTERDOWN, READONLY, BUSY and UNBLOCKED
     * (after a failover or while a server starts). Authentication and TLS failures are never
     * transient, even when reported as a connection failure: retrying cannot fix them.
     * Wrappers ({@link ExecutionException}, {@link CompletionException}) are looked through.
     */
    public static boolean isTransient(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof RedisConnectionException || e instanceof RedisCommandTimeoutException
                || e instanceof TimeoutException || e instanceof RedisLoadingException
                || e instanceof RedisBusyException || e instanceof RedisReadOnlyException
                || e instanceof IOException) {
            return !isAuthOrTls(e);
        }
        if (e instanceof RedisCommandExecutionException) {
            String m = String.valueOf(e.getMessage());
            for (String reply : TRANSIENT_REPLIES) {
                if (m.startsWith(reply)) {
                    return true;
                }
            }
            return false;
        }
        // "Currently not connected", "Connection closed", "Connection is closed": plain RedisException
        return e instanceof RedisException && e.getClass() == RedisException.class;
    }

    /** A short, secret-free explanation of a failure, with a hint at the fix where one is known. */
    public static String explain(Throwable failure) {
        return explain(failure, false);
    }

    private static String explain(Throwable failure, boolean tls) {
        Throwable e = unwrap(failure);
        boolean timedOut = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            String upper = m.toUpperCase(Locale.ROOT);
            if (isNotASentinel(t)) {
                return "the server is not a Sentinel (it does not know the SENTINEL command): a"
                        + " redis-sentinel:// URL must name the Sentinels (usually port 26379); for"
                        + " a plain Redis use redis://host:port";
            }
            if (upper.startsWith("WRONGPASS") || upper.contains("INVALID PASSWORD")
                    || upper.contains("INVALID USERNAME-PASSWORD")) {
                return "authentication failed (" + firstWord(m) + "): check the user and password"
                        + " in the URI";
            }
            if (upper.startsWith("NOAUTH")) {
                return "the server requires a password (NOAUTH): add it to the URI, e.g."
                        + " redis://:password@host:6379";
            }
            if (isPermissionReply(upper)) {
                return "the ACL user lacks a permission (" + Secrets.maskUrl(m) + "): holdfast"
                        + " needs the commands " + NEEDED_COMMANDS + " and the namespace's keys"
                        + " and channels (<namespace>:*)";
            }
            if (t instanceof SSLException || upper.contains("SSL") || upper.contains(" TLS")) {
                return "TLS handshake failed (" + t.getClass().getSimpleName() + ": "
                        + Secrets.maskUrl(m) + "): check rediss:// versus redis://, the server's TLS"
                        + " port and the trust store";
            }
            if (t instanceof ConnectException) {
                return "connection refused: check host and port, and that Redis is running";
            }
            if (t instanceof RedisProtocolException) {
                return "the peer does not speak the Redis protocol (" + Secrets.maskUrl(m)
                        + "): check host and port (a TLS port needs rediss://)";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host: check the host name in the URI";
            }
            timedOut |= t instanceof TimeoutException || t instanceof RedisCommandTimeoutException;
        }
        if (timedOut && tls) {
            return "the TLS handshake did not complete in time: check that this port serves TLS"
                    + " (otherwise use redis://), the certificate and the trust store";
        }
        if (timedOut) {
            return "no answer in time: check that the host and port point at Redis (a TLS port needs"
                    + " rediss://) and that it is not overloaded";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + Secrets.maskUrl(m));
    }

    /**
     * True when {@code t} or one of its suppressed exceptions is a plain Redis refusing the
     * {@code SENTINEL} command: Lettuce reports it, suppressed, under a timeout.
     */
    private static boolean isNotASentinel(Throwable t) {
        for (Throwable s : t.getSuppressed()) {
            if (isNotASentinel(s)) {
                return true;
            }
        }
        String upper = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
        return upper.contains("UNKNOWN COMMAND 'SENTINEL'");
    }

    /** The exception thrown when {@code what} failed at {@code endpoint}. */
    public static LockUnavailableException unavailable(String what, String endpoint,
            Throwable failure, int attempts) {
        Throwable e = unwrap(failure);
        return new LockUnavailableException(what + " failed at " + endpoint
                + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": "
                + explain(e, endpoint.startsWith("rediss")), e);
    }

    private static boolean isAuthOrTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
            String m = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
            if (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || isPermissionReply(m)
                    || m.contains("INVALID PASSWORD")) {
                return true;
            }
        }
        return false;
    }

    private static String firstWord(String m) {
        int space = m.indexOf(' ');
        return space < 0 ? m : m.substring(0, space);
    }
}
