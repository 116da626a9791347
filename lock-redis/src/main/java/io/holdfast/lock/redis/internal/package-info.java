/** Implementation of the Redis backend; not an API, may change without notice. */
package io.holdfast.lock.redis.internal;
