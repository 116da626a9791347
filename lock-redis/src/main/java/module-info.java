/**
 * holdfast's Redis backend ({@code redis}) on Lettuce, provided to {@code LockService} through
 * the SPI.
 */
module io.holdfast.lock.redis {
    requires transitive io.holdfast.lock;
    requires transitive lettuce.core;
    requires org.slf4j;

    exports io.holdfast.lock.redis;

    provides io.holdfast.lock.spi.LockBackendProvider with
            io.holdfast.lock.redis.provider.RedisBackendProvider;
}
