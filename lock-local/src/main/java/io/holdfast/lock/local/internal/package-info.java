/** Implementation details of the local and file backends; not an API. */
package io.holdfast.lock.local.internal;
