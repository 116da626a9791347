/**
 * How {@link io.holdfast.lock.LockService} is assembled from environment variables: parsing and
 * validation, backend discovery and the {@code dual} composition. Not an API.
 */
package io.holdfast.lock.internal.env;
