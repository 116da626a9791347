package io.holdfast.lock;

/** The work of an exclusive task, run by {@link ExclusiveTasks#run}. */
@FunctionalInterface
public interface TaskBody {

    /**
     * Does the work. Stop promptly when the thread is interrupted: that is how a lost lease or an
     * exceeded maximum duration ends a run.
     *
     * @param lease the task's lease; send its {@linkplain Lease#fencingToken() fencing token} with
     *     every write to the protected resource. Do not release it: the runner does.
     * @throws Exception anything; the run then ends {@link TaskResult.Outcome#FAILED} with it
     */
    void run(Lease lease) throws Exception;
}
