/**
 * The Redis backend: {@link io.holdfast.lock.redis.RedisLockManager},
 * {@link io.holdfast.lock.redis.RedisStatusManager} and their
 * {@link io.holdfast.lock.redis.RedisLockSettings}, on Lettuce, for standalone, Sentinel and
 * Cluster deployments.
 */
package io.holdfast.lock.redis;
