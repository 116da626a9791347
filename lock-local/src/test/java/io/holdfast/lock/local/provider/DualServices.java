package io.holdfast.lock.local.provider;

import io.holdfast.lock.LockService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Opens {@code USE_NEW_LOCKS=dual} services with the local backend on one directory; closes them all. */
final class DualServices implements AutoCloseable {

    private final List<LockService> open = new ArrayList<>();

    /** A new dual(file+local) service whose file locks and flags live in {@code dir}. */
    LockService open(Path dir) {
        LockService s = LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "dual",
                "LOCK_BACKEND", "local", "LOCK_DIR", dir.toString()));
        open.add(s);
        return s;
    }

    @Override
    public void close() {
        open.forEach(LockService::close);
        open.clear();
    }
}
