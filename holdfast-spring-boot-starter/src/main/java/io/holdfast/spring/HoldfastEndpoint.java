package io.holdfast.spring;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockService;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.TaskSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The read-only {@code holdfast} actuator endpoint: the backend and mode, the locks this instance
 * holds (fencing token, lease left), the status flags that are set, and the
 * {@link ExclusiveTask @ExclusiveTask} methods. Nothing in it changes state. Expose it over HTTP
 * with {@code management.endpoints.web.exposure.include=health,holdfast}.
 */
@Endpoint(id = "holdfast")
public class HoldfastEndpoint {

    private final LockManager locks;
    private final StatusManager status;
    private final LockService service;
    private final ExclusiveTaskPostProcessor tasks;

    /**
     * @param service the lock service, or null when the application supplies its own managers
     * @param tasks the post-processor that found the annotated tasks, or null
     */
    public HoldfastEndpoint(LockManager locks, StatusManager status, LockService service,
            ExclusiveTaskPostProcessor tasks) {
        this.locks = locks;
        this.status = status;
        this.service = service;
        this.tasks = tasks;
    }

    /** What this instance holds and sees now. */
    @ReadOperation
    public Report report() {
        List<HeldLock> held = new ArrayList<>();
        List<LockInfo> holds;
        try {
            holds = locks.heldLocks();
        } catch (UnsupportedOperationException e) {
            holds = List.of(); // an application's own LockManager that does not list its holds
        }
        for (LockInfo i : holds) {
            held.add(new HeldLock(i.resource(), i.holder(), i.fencingToken(), i.acquiredAt().toString(),
                    i.remainingLease().map(d -> d.toMillis()).orElse(null)));
        }
        List<Flag> flags = new ArrayList<>();
        for (String name : status.list()) {
            Optional<FlagInfo> f = status.get(name);
            f.ifPresent(i -> flags.add(new Flag(i.name(), i.owner(), i.setAt().toString(), i.expiresAt().toString())));
        }
        List<Task> taskList = new ArrayList<>();
        if (tasks != null) {
            for (TaskSettings t : tasks.tasks().values()) {
                taskList.add(new Task(t.name(), t.minHold().toString(),
                        t.maxDuration().map(Object::toString).orElse(null)));
            }
        }
        return new Report(service != null ? service.backend() : locks.backend(),
                service != null ? service.mode() : null,
                service != null ? service.toString() : locks.toString(), held, flags, taskList);
    }

    /**
     * The endpoint's answer.
     *
     * @param backend {@code file}, {@code local}, {@code redis} or {@code dual(file+redis)}
     * @param mode the {@code USE_NEW_LOCKS} mode, or null for managers the application supplied
     * @param settings the lock service's settings, without passwords
     * @param heldLocks the locks this instance holds
     * @param flags the status flags that are set
     * @param tasks the exclusive tasks found on beans
     */
    public record Report(String backend, String mode, String settings, List<HeldLock> heldLocks,
            List<Flag> flags, List<Task> tasks) {}

    /**
     * One lock this instance holds.
     *
     * @param leaseLeftMillis the lease left, or null where the backend has no leases
     */
    public record HeldLock(String resource, String holder, long fencingToken, String acquiredAt,
            Long leaseLeftMillis) {}

    /** One status flag. */
    public record Flag(String name, String owner, String setAt, String expiresAt) {}

    /** One exclusive task: ISO-8601 durations, maxDuration null for none. */
    public record Task(String name, String minHold, String maxDuration) {}
}
