/**
 * holdfast's backends on the local machine: host-wide file locks and flags ({@code file}) and
 * in-process locks ({@code local}), provided to {@code LockService} through the SPI.
 */
module io.holdfast.lock.local {
    requires transitive io.holdfast.lock;
    requires org.slf4j;

    exports io.holdfast.lock.local;

    provides io.holdfast.lock.spi.LockBackendProvider with
            io.holdfast.lock.local.provider.FileBackendProvider,
            io.holdfast.lock.local.provider.LocalBackendProvider;
}
