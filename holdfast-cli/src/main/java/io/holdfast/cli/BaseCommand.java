package io.holdfast.cli;

import io.holdfast.lock.spi.LockAdmin;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the root's options, the output, the backends. */
abstract class BaseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    HoldfastCli root() {
        return (HoldfastCli) spec.root().userObject();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    boolean json() {
        return root().json();
    }

    /** The operator: {@code --operator} if given, else this process's user, on this host. */
    static LockAdmin.Operator operator(String user) {
        LockAdmin.Operator current = LockAdmin.Operator.current();
        return user == null || user.isBlank() ? current : new LockAdmin.Operator(user.trim(), current.host());
    }

    @Override
    public final Integer call() {
        try (Targets targets = root().targets()) {
            return run(targets);
        }
    }

    /** Runs the command; returns the exit code. */
    abstract int run(Targets targets);
}
