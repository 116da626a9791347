package io.holdfast.lock.spi;

/**
 * A backend-specific setting made in code, handed to every provider through
 * {@link BackendConfig#options()} (from {@code LockService.builder().option(...)}). The provider
 * named {@link #backend()} recognises its own option types, such as lock-redis's
 * {@code RedisOptions}; the other backends ignore it, and so does a mode that does not use that
 * backend. This keeps lock-api free of any backend's types.
 */
public interface BackendOption {

    /** The name of the backend this option is for, such as {@code redis}. */
    String backend();
}
