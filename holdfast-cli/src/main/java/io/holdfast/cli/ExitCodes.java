package io.holdfast.cli;

/**
 * The exit codes of {@code holdfast}, documented in the README and in {@code holdfast --help}.
 * Scripts can rely on them.
 */
final class ExitCodes {

    /** Done; for {@code check}, the environment is valid (warnings are printed, not failed). */
    static final int OK = 0;
    /** The lock is not held, or the flag is not set. */
    static final int NOT_FOUND = 1;
    /** The command line is wrong (unknown option, missing argument). */
    static final int USAGE = 2;
    /** A variable or option is invalid or contradicts another; the message names it. */
    static final int CONFIG = 3;
    /** The backend cannot be reached or refused the command (connection, authentication, ACL). */
    static final int UNAVAILABLE = 4;
    /** Refused: {@code --force} is missing, the flag belongs to another owner, or the holder changed. */
    static final int REFUSED = 5;
    /** The backend cannot do this (a file lock held by a live process; the in-process backend). */
    static final int UNSUPPORTED = 6;
    /** The change was made, but its audit record could not be written. */
    static final int AUDIT_FAILED = 7;
    /** A bug: the message and stack trace go to stderr. */
    static final int INTERNAL = 70;

    /** The table shown by {@code --help}. */
    static final String HELP = """
            Exit codes:
              0  done (check: the environment is valid; warnings are printed)
              1  not found: the lock is not held, the flag is not set
              2  usage: unknown option or missing argument
              3  configuration: a variable or option is invalid (the message names it)
              4  backend unavailable: connection, authentication or ACL failure
              5  refused: --force missing, another owner's flag, or the holder changed
              6  not possible on this backend (file lock of a live process, local backend)
              7  done, but the audit record could not be written
             70  internal error""";

    private ExitCodes() {}
}
