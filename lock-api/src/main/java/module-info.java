/**
 * holdfast's API ({@code io.holdfast.lock}) and the SPI backends implement
 * ({@code io.holdfast.lock.spi}). Backends are found with {@link java.util.ServiceLoader}.
 * The {@code internal} packages are shared with holdfast's own modules only, by name.
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"}) // qualified exports name modules built later; micrometer-core has no module-info
module io.holdfast.lock {
    requires transitive micrometer.core;
    requires org.slf4j;

    exports io.holdfast.lock;
    exports io.holdfast.lock.spi;

    // Not an API: helpers of holdfast's own modules (durations, names, name encoding, owner ids,
    // secrets, metrics). Qualified, so no application can depend on them.
    exports io.holdfast.lock.internal to
            io.holdfast.lock.local, io.holdfast.lock.redis, io.holdfast.lock.testkit,
            io.holdfast.cli, io.holdfast.spring, io.holdfast.benchmarks;
    // The variable-reading idiom providers share, and the CLI's view of the environment.
    exports io.holdfast.lock.internal.env to
            io.holdfast.lock.local, io.holdfast.lock.redis, io.holdfast.cli;

    uses io.holdfast.lock.spi.LockBackendProvider;
}
